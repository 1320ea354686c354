import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { webhookEndpoints } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import type { TenantInbox } from "../../../src/features/inbox/tenant-inbox";
import { call, callJson, registerTenant } from "../../support/api";
import { createConversation } from "../../support/conversations";
import { type Received, receiver, until } from "./helpers";

describe("outbound webhooks", () => {
  it("shows the signing secret once and keeps it sealed at rest", async () => {
    const tenant = await registerTenant();
    const created = await callJson<{ id: string; secret: string }>(
      "/api/webhooks",
      { token: tenant.accessToken, json: { url: "https://example.com/hook", events: ["message.created"] } },
      201,
    );
    expect(created.secret).toMatch(/^whsec_[\w-]{40,}$/);
    const listed = await callJson<{ data: Record<string, unknown>[] }>(
      "/api/webhooks",
      { token: tenant.accessToken },
      200,
    );
    expect(listed.data).toEqual([
      expect.objectContaining({ id: created.id, events: ["message.created"], enabled: true }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const one = await callJson(`/api/webhooks/${created.id}`, { token: tenant.accessToken }, 200);
    expect(JSON.stringify(one)).not.toContain(created.secret);
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id));
      expect(row?.secretEncrypted).toMatch(/^v1\./);
      expect(row?.secretEncrypted).not.toContain(created.secret.slice(6));
    } finally {
      await close();
    }
  });

  it("refuses URLs the outbound rules refuse, unknown events and empty updates", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    for (const json of [
      { url: "ftp://example.com/hook", events: ["message.created"] },
      { url: "https://user:pw@example.com/hook", events: ["message.created"] },
      { url: "https://example.com/hook", events: ["message.deleted"] },
      { url: "https://example.com/hook", events: [] },
    ]) {
      const response = await call("/api/webhooks", { token, json });
      expect(response.status, JSON.stringify(json)).toBe(400);
    }
    const { id } = await callJson<{ id: string }>(
      "/api/webhooks",
      { token, json: { url: "https://example.com/hook", events: ["message.created"] } },
      201,
    );
    expect((await call(`/api/webhooks/${id}`, { method: "PUT", token, json: {} })).status).toBe(400);
    const updated = await callJson(
      `/api/webhooks/${id}`,
      { method: "PUT", token, json: { events: ["plan.pending", "plan.executed"], enabled: false } },
      200,
    );
    expect(updated).toMatchObject({ events: ["plan.pending", "plan.executed"], enabled: false });
    expect((await call(`/api/webhooks/${id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await call(`/api/webhooks/${id}`, { token })).status).toBe(404);
  });

  it("delivers conversation and message events signed, which the documented snippet verifies", async () => {
    const tenant = await registerTenant();
    const hook = await receiver(tenant, [
      "conversation.created",
      "message.created",
      "conversation.status_changed",
    ]);
    const conversation = await createConversation(tenant, { visitorId: "v-1" });
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "Your refund is on its way" } },
      201,
    );
    await callJson(
      `/api/conversations/${conversation.id}/resolve`,
      { token: tenant.accessToken, method: "POST" },
      200,
    );
    // The staff reply takes the conversation (with_human), then it is resolved: four events.
    const received = await until(hook.received, (r) => r.length >= 4);
    expect(received.every((r) => r.verified)).toBe(true);
    const byType = Object.fromEntries(received.map((r) => [r.body.type, r]));
    expect(byType["conversation.created"]?.body).toMatchObject({
      tenantId: tenant.tenant.id,
      data: { conversation: { id: conversation.id, visitorId: "v-1" } },
    });
    expect(byType["message.created"]?.body.data).toMatchObject({
      conversationId: conversation.id,
      message: { text: "Your refund is on its way", sender: { kind: "staff", id: tenant.user.id } },
    });
    const statuses = received.filter((r) => r.body.type === "conversation.status_changed");
    expect(statuses.map((r) => r.body.data.status).sort()).toEqual(["resolved", "with_human"]);
    expect(statuses[0]?.body.data).toMatchObject({ conversationId: conversation.id });
    for (const r of received) {
      expect(r.event).toBe(r.body.type);
      expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    }
    const log = await until(
      hook.deliveries,
      (d) => d.length === 4 && d.every((x) => x.status === "delivered"),
    );
    expect(new Set(log.map((d) => d.id))).toEqual(new Set(received.map((r) => r.delivery)));
    expect(log[0]).toMatchObject({ attempts: 1, responseStatus: 204, lastError: null, nextAttemptAt: null });
  });

  it("sends an endpoint only the events it subscribed to, and nothing while disabled", async () => {
    const tenant = await registerTenant();
    const messages = await receiver(tenant, ["message.created"]);
    const created = await receiver(tenant, ["conversation.created"]);
    const disabled = await receiver(tenant, ["conversation.created", "message.created"]);
    await callJson(
      `/api/webhooks/${disabled.webhook.id}`,
      { method: "PUT", token: tenant.accessToken, json: { enabled: false } },
      200,
    );
    const conversation = await createConversation(tenant);
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "hello" } },
      201,
    );
    await until(created.deliveries, (d) => d.some((x) => x.status === "delivered"));
    await until(messages.deliveries, (d) => d.some((x) => x.status === "delivered"));
    // Each event's fan-out creates every endpoint's delivery at once: by now these logs are complete.
    expect((await messages.deliveries()).map((d) => d.eventType)).toEqual(["message.created"]);
    expect((await created.deliveries()).map((d) => d.eventType)).toEqual(["conversation.created"]);
    expect(await disabled.deliveries()).toEqual([]);
  });

  it("never sends a private note as message.created; note.created is its own event to subscribe to", async () => {
    const tenant = await registerTenant();
    const messages = await receiver(tenant, ["message.created"]);
    const notes = await receiver(tenant, ["note.created"]);
    const conversation = await createConversation(tenant);
    const post = (json: Record<string, unknown>) =>
      callJson(`/api/conversations/${conversation.id}/messages`, { token: tenant.accessToken, json }, 201);
    await post({ text: "Customer is a known fraud risk", kind: "note" });
    await post({ text: "We are looking into it" });
    // Wherever the note goes, once it went there its event's fan-out is complete.
    const isNote = (r: Received) => (r.body.data.message as { kind?: string }).kind === "note";
    const both = async () => [...(await messages.received()), ...(await notes.received())];
    await until(both, (all) => all.some(isNote) && all.some((r) => !isNote(r)));
    expect((await messages.received()).map((r) => r.body.data.message)).toEqual([
      expect.objectContaining({ text: "We are looking into it" }),
    ]);
    const [note, ...more] = await notes.received();
    expect(more).toEqual([]);
    expect(note?.verified).toBe(true);
    expect(note?.body).toMatchObject({
      type: "note.created",
      data: {
        conversationId: conversation.id,
        message: { text: "Customer is a known fraud risk", kind: "note" },
      },
    });
  }, 30_000);

  it("queues no event no endpoint wants, and an endpoint created or re-enabled gets the very next one", async () => {
    const tenant = await registerTenant();
    // What reaches the webhook queue for this tenant (the binding the rooms and routes send with).
    const queue = env.WEBHOOK_QUEUE;
    const send = queue.send.bind(queue);
    const queued: { type: string; text?: string }[] = [];
    Object.assign(queue, {
      send: (body: {
        kind: string;
        event?: { type: string; tenantId: string; data: Record<string, unknown> };
      }) => {
        const { event } = body;
        if (event?.tenantId === tenant.tenant.id)
          queued.push({
            type: event.type,
            text: (event.data.message as { text?: string } | undefined)?.text,
          });
        return send(body as never);
      },
    });
    try {
      await receiver(tenant, ["conversation.created"]);
      const conversation = await createConversation(tenant);
      const post = (text: string) =>
        callJson(
          `/api/conversations/${conversation.id}/messages`,
          { token: tenant.accessToken, json: { text } },
          201,
        );
      await post("Nobody listens to this one");
      const messages = await receiver(tenant, ["message.created"]);
      await post("The very next message");
      const texts = async () =>
        (await messages.received()).map((r) => r.body.data.message as { text: string });
      await until(texts, (t) => t.some((m) => m.text === "The very next message"));
      await callJson(
        `/api/webhooks/${messages.webhook.id}`,
        { method: "PUT", token: tenant.accessToken, json: { enabled: false } },
        200,
      );
      await post("Said while the endpoint is disabled");
      await callJson(
        `/api/webhooks/${messages.webhook.id}`,
        { method: "PUT", token: tenant.accessToken, json: { enabled: true } },
        200,
      );
      await post("Said once it is enabled again");
      await until(texts, (t) => t.some((m) => m.text === "Said once it is enabled again"));
      expect((await texts()).map((m) => m.text)).toEqual([
        "The very next message",
        "Said once it is enabled again",
      ]);
      // The events nobody wanted never became queue messages (status changes: no endpoint either).
      expect(queued.filter((q) => q.type !== "conversation.created")).toEqual([
        { type: "message.created", text: "The very next message" },
        { type: "message.created", text: "Said once it is enabled again" },
      ]);
    } finally {
      Object.assign(queue, { send });
    }
  }, 30_000);

  it("costs a room one question to the inbox, not one per message, and an endpoint created after it still gets the very next message", async () => {
    const tenant = await registerTenant();
    const inbox = env.TENANT_INBOX.get(env.TENANT_INBOX.idFromName(tenant.tenant.id));
    // RPC calls the class's own method: count this tenant's questions there.
    const proto = await runInDurableObject(inbox, (instance: TenantInbox) => Object.getPrototypeOf(instance));
    const ask = proto.webhookEvents;
    const asked: (string | undefined)[] = [];
    proto.webhookEvents = function (this: TenantInbox, tenantId: string, conversationId?: string) {
      if (tenantId === tenant.tenant.id) asked.push(conversationId);
      return ask.call(this, tenantId, conversationId);
    };
    try {
      const conversation = await createConversation(tenant);
      asked.length = 0; // The Worker asked once, for `conversation.created`.
      const post = (text: string) =>
        callJson(
          `/api/conversations/${conversation.id}/messages`,
          { token: tenant.accessToken, json: { text } },
          201,
        );
      for (let n = 1; n <= 5; n++) await post(`Nobody listens to message ${n}`);
      const messages = await receiver(tenant, ["message.created"]);
      await post("The very next message");
      const texts = async () =>
        (await messages.received()).map((r) => (r.body.data.message as { text: string }).text);
      await until(texts, (t) => t.includes("The very next message"));
      // Once before the endpoint existed, once after the inbox told the room it changed.
      expect(asked).toEqual([conversation.id, conversation.id]);
      // The inbox keeps which rooms to tell in its storage: an inbox evicted meanwhile still tells them.
      await callJson(
        `/api/webhooks/${messages.webhook.id}`,
        { method: "PUT", token: tenant.accessToken, json: { enabled: false } },
        200,
      );
      await post("Said while the endpoint is disabled");
      await evictDurableObject(inbox);
      await callJson(
        `/api/webhooks/${messages.webhook.id}`,
        { method: "PUT", token: tenant.accessToken, json: { enabled: true } },
        200,
      );
      await post("Said once it is enabled again");
      await until(texts, (t) => t.includes("Said once it is enabled again"));
      expect(await texts()).toEqual(["The very next message", "Said once it is enabled again"]);
    } finally {
      proto.webhookEvents = ask;
    }
  }, 30_000);

  it("retries a failing endpoint with the same delivery id until it accepts", async () => {
    const tenant = await registerTenant();
    const hook = await receiver(tenant, ["conversation.created"], { failFirst: 2, failStatus: 503 });
    await createConversation(tenant);
    const [delivery] = await until(hook.deliveries, (d) => d[0]?.status === "delivered");
    expect(delivery).toMatchObject({ attempts: 3, responseStatus: 204, lastError: null });
    const received = await hook.received();
    expect(received.map((r) => r.delivery)).toEqual([delivery?.id, delivery?.id, delivery?.id]);
    expect(new Set(received.map((r) => r.body.id)).size).toBe(1);
  });

  it("gives up after the last retry, then redelivers by id with the same delivery id and body", async () => {
    const tenant = await registerTenant();
    const hook = await receiver(tenant, ["conversation.created"], { failFirst: 1000 });
    await createConversation(tenant);
    const [failed] = await until(hook.deliveries, (d) => d[0]?.status === "failed", 30_000);
    expect(failed).toMatchObject({
      attempts: 16,
      responseStatus: 500,
      lastError: "HTTP 500",
      nextAttemptAt: null,
    });
    await hook.setup({ failFirst: 0 });
    const path = `/api/webhooks/${hook.webhook.id}/deliveries/${failed?.id}/redeliver`;
    const queued = await callJson(path, { method: "POST", token: tenant.accessToken }, 202);
    expect(queued).toMatchObject({ id: failed?.id, status: "pending", attempts: 0 });
    const [delivered] = await until(hook.deliveries, (d) => d[0]?.status === "delivered");
    expect(delivered).toMatchObject({ id: failed?.id, attempts: 1, responseStatus: 204 });
    const received = await hook.received();
    expect(received.at(-1)?.delivery).toBe(failed?.id);
    expect(received.at(-1)?.body).toEqual(received[0]?.body);
    const filtered = await callJson<{ data: unknown[] }>(
      `/api/webhooks/${hook.webhook.id}/deliveries?status=failed`,
      { token: tenant.accessToken },
      200,
    );
    expect(filtered.data).toEqual([]);
  }, 40_000);

  it("is for admins only", async () => {
    const tenant = await registerTenant();
    const { addUser } = await import("../../support/api");
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    expect((await call("/api/webhooks", { token: member.accessToken })).status).toBe(403);
  });
});
