import { runDurableObjectAlarm } from "cloudflare:test";

import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant, statementsWith } from "../../support/api";
import { type Conversation, createConversation, joinAsStaff, room } from "../../support/conversations";
import { isType } from "../../support/ws";

/** Runs the room's alarm now: flushes its outbox to Postgres. */
const flush = (id: string) => runDurableObjectAlarm(room(id));

interface Message {
  seq: number;
  id: string;
  text: string;
  sender: { kind: string; id: string };
}

describe("conversations over REST", () => {
  it("creates, reads, lists with filters and paginates by cursor", async () => {
    const tenant = await registerTenant();
    const a = await createConversation(tenant, {
      visitorId: "visitor-a",
      channel: "web",
      metadata: { page: "/pricing" },
    });
    const b = await createConversation(tenant, { customerUserId: "crm-42", channel: "email" });
    const c = await createConversation(tenant, { visitorId: "visitor-a" });
    expect(a).toMatchObject({
      status: "open",
      lastSeq: 0,
      visitorId: "visitor-a",
      metadata: { page: "/pricing" },
    });
    expect(await callJson(`/api/conversations/${a.id}`, { token: tenant.accessToken }, 200)).toMatchObject({
      id: a.id,
    });

    const byVisitor = await callJson<{ data: Conversation[] }>(
      "/api/conversations?visitorId=visitor-a",
      { token: tenant.accessToken },
      200,
    );
    expect(byVisitor.data.map((x) => x.id).sort()).toEqual([a.id, c.id].sort());
    const email = await callJson<{ data: Conversation[] }>(
      "/api/conversations?channel=email",
      { token: tenant.accessToken },
      200,
    );
    expect(email.data.map((x) => x.id)).toEqual([b.id]);

    const first = await callJson<{ data: Conversation[]; nextCursor: string }>(
      "/api/conversations?limit=2",
      { token: tenant.accessToken },
      200,
    );
    expect(first.data).toHaveLength(2);
    const second = await callJson<{ data: Conversation[]; nextCursor: string | null }>(
      `/api/conversations?limit=2&cursor=${first.nextCursor}`,
      { token: tenant.accessToken },
      200,
    );
    expect(second.nextCursor).toBeNull();
    expect([...first.data, ...second.data].map((x) => x.id).sort()).toEqual([a.id, b.id, c.id].sort());

    const bad = await call("/api/conversations?cursor=garbage", { token: tenant.accessToken });
    expect(bad.status).toBe(400);
    const badStatus = await call("/api/conversations?status=nope", { token: tenant.accessToken });
    expect(badStatus.status).toBe(400);
  });

  it("posts messages idempotently by clientId and reads them back in seq order", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}/messages`;
    const first = await callJson<{ seq: number; id: string; duplicate: boolean }>(
      path,
      { token: tenant.accessToken, json: { clientId: "k1", text: "one" } },
      201,
    );
    const again = await callJson<{ seq: number; id: string; duplicate: boolean }>(
      path,
      { token: tenant.accessToken, json: { clientId: "k1", text: "one" } },
      200,
    );
    expect(again).toMatchObject({ seq: first.seq, id: first.id, duplicate: true });
    await callJson(path, { token: tenant.accessToken, json: { text: "two" } }, 201);
    await callJson(path, { token: tenant.accessToken, json: { text: "three" } }, 201);

    const all = await callJson<{ data: Message[] }>(path, { token: tenant.accessToken }, 200);
    expect(all.data.map((m) => [m.seq, m.text])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    const after = await callJson<{ data: Message[] }>(
      `${path}?after=1&limit=1`,
      { token: tenant.accessToken },
      200,
    );
    expect(after.data.map((m) => m.seq)).toEqual([2]);
    const before = await callJson<{ data: Message[] }>(
      `${path}?before=3`,
      { token: tenant.accessToken },
      200,
    );
    expect(before.data.map((m) => m.seq)).toEqual([1, 2]);
    const one = await callJson<Message>(`${path}/${first.id}`, { token: tenant.accessToken }, 200);
    expect(one.text).toBe("one");
    expect((await call(`${path}/${crypto.randomUUID()}`, { token: tenant.accessToken })).status).toBe(404);
    expect((await call(path, { token: tenant.accessToken, json: { text: "   " } })).status).toBe(400);
  });

  it("reads the history and one message from the room alone, which answers for its own tenant", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}/messages`;
    const posted = await callJson<{ id: string }>(
      path,
      { token: tenant.accessToken, json: { text: "hi" } },
      201,
    );
    await flush(conversation.id);
    const asked = await statementsWith(conversation.id);
    const history = await callJson<{ data: Message[] }>(path, { token: tenant.accessToken }, 200);
    expect(history.data.map((m) => m.text)).toEqual(["hi"]);
    const one = await callJson<Message>(`${path}/${posted.id}`, { token: tenant.accessToken }, 200);
    expect(one.id).toBe(posted.id);
    // Postgres was not asked about the conversation (only who the caller is).
    expect(await statementsWith(conversation.id)).toBe(asked);
    // Another tenant's principal gets a 404 from the room itself, for both reads.
    const other = await registerTenant();
    expect((await call(path, { token: other.accessToken })).status).toBe(404);
    expect((await call(`${path}/${posted.id}`, { token: other.accessToken })).status).toBe(404);
    expect(
      (await call(`/api/conversations/${crypto.randomUUID()}/messages`, { token: tenant.accessToken }))
        .status,
    ).toBe(404);
  });

  it("lists conversations with their labels in one statement", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const label = await callJson<{ id: string }>(
      "/api/labels",
      { token: tenant.accessToken, json: { name: "vip", color: "#ff0000" } },
      201,
    );
    await callJson(
      `/api/conversations/${conversation.id}/labels/${label.id}`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    await flush(conversation.id);
    const asked = await statementsWith(conversation.id);
    const list = await callJson<{ data: { id: string; labels: { id: string; name: string }[] }[] }>(
      "/api/conversations",
      { token: tenant.accessToken },
      200,
    );
    expect(list.data.map((c) => [c.id, c.labels.map((l) => l.name)])).toEqual([[conversation.id, ["vip"]]]);
    // The labels came with the page, not from a query naming the page's conversations.
    expect(await statementsWith(conversation.id)).toBe(asked);
  });

  it("copies messages to Postgres with preview, unread counts and read receipts", async () => {
    const tenant = await registerTenant();
    const colleague = await addUser(tenant.tenant.id, "TENANT_USER");
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}/messages`;
    for (const text of ["hello", "are you there?", "latest words"])
      await callJson(path, { token: colleague.accessToken, json: { text } }, 201);
    await flush(conversation.id);

    const list = await callJson<{
      data: (Conversation & { unreadCount: number; lastMessagePreview: string })[];
    }>("/api/conversations", { token: tenant.accessToken }, 200);
    expect(list.data[0]).toMatchObject({
      id: conversation.id,
      lastSeq: 3,
      messageCount: 3,
      lastMessagePreview: "latest words",
      unreadCount: 3,
    });

    await callJson(
      `/api/conversations/${conversation.id}/read`,
      { token: tenant.accessToken, json: { seq: 2 } },
      200,
    );
    await flush(conversation.id);
    const afterRead = await callJson<{ data: { unreadCount: number }[] }>(
      "/api/conversations",
      { token: tenant.accessToken },
      200,
    );
    expect(afterRead.data[0]?.unreadCount).toBe(1);
    // The sender's own messages are never unread for them.
    const theirs = await callJson<{ data: { unreadCount: number }[] }>(
      "/api/conversations",
      { token: colleague.accessToken },
      200,
    );
    expect(theirs.data[0]?.unreadCount).toBe(0);
  });

  it("resolves, refuses new messages, assigns and resumes with a ticket", async () => {
    const tenant = await registerTenant();
    const agent = await addUser(tenant.tenant.id, "TENANT_USER");
    const conversation = await createConversation(tenant);
    const watcher = await joinAsStaff(tenant, conversation.id);

    const assigned = await callJson<Conversation>(
      `/api/conversations/${conversation.id}/assign`,
      { method: "PUT", token: tenant.accessToken, json: { assigneeId: agent.user.id } },
      200,
    );
    expect(assigned).toMatchObject({ status: "with_human", assigneeId: agent.user.id });
    expect(await watcher.next(isType("status"))).toMatchObject({
      status: "with_human",
      assigneeId: agent.user.id,
    });
    const stranger = await registerTenant();
    const foreign = await call(`/api/conversations/${conversation.id}/assign`, {
      method: "PUT",
      token: tenant.accessToken,
      json: { assigneeId: stranger.user.id },
    });
    expect(foreign.status).toBe(400);

    const resolved = await callJson<Conversation>(
      `/api/conversations/${conversation.id}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(resolved.status).toBe("resolved");
    const closed = await call(`/api/conversations/${conversation.id}/messages`, {
      token: tenant.accessToken,
      json: { text: "late" },
    });
    expect(closed.status).toBe(409);
    expect(
      (
        await call(`/api/conversations/${conversation.id}/resume`, {
          method: "POST",
          token: tenant.accessToken,
        })
      ).status,
    ).toBe(409);

    const open = await createConversation(tenant);
    await callJson(
      `/api/conversations/${open.id}/messages`,
      { token: tenant.accessToken, json: { text: "x" } },
      201,
    );
    const resumed = await callJson<{ conversation: Conversation; ticket: { lastSeq: number; url: string } }>(
      `/api/conversations/${open.id}/resume`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(resumed.ticket.lastSeq).toBe(1);
    expect(resumed.ticket.url).toContain(`/api/conversations/${open.id}/ws?ticket=`);
  });

  it("expires an idle conversation by alarm and reopens it on resume", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant, { idleTimeoutSeconds: 60 });
    const watcher = await joinAsStaff(tenant, conversation.id);
    const stub = room(conversation.id);
    await runInRoom(stub, (instance) => {
      const store = (
        instance as unknown as { store: { meta(): Record<string, unknown>; saveMeta(m: unknown): void } }
      ).store;
      store.saveMeta({ ...store.meta(), lastActivityAt: Date.now() - 61_000 });
    });
    await runDurableObjectAlarm(stub);
    expect(await watcher.next(isType("status"))).toMatchObject({ status: "expired", reason: "idle" });
    await runDurableObjectAlarm(stub);
    expect(
      await callJson(`/api/conversations/${conversation.id}`, { token: tenant.accessToken }, 200),
    ).toMatchObject({ status: "expired" });

    const resumed = await callJson<{ conversation: Conversation }>(
      `/api/conversations/${conversation.id}/resume`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(resumed.conversation.status).toBe("open");
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "back" } },
      201,
    );
  });

  it("deletes a conversation's history everywhere", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "secret" } },
      201,
    );
    await flush(conversation.id);
    expect(
      (await call(`/api/conversations/${conversation.id}`, { method: "DELETE", token: tenant.accessToken }))
        .status,
    ).toBe(204);
    expect((await call(`/api/conversations/${conversation.id}`, { token: tenant.accessToken })).status).toBe(
      404,
    );
    expect(await room(conversation.id).info()).toBeNull();
    expect(await room(conversation.id).history(tenant.tenant.id, { limit: 10 })).toBeNull();
    // The history is read from the room alone: once it is destroyed, the route says so too.
    const messages = `/api/conversations/${conversation.id}/messages`;
    expect((await call(messages, { token: tenant.accessToken })).status).toBe(404);
  });

  it("reports statistics by status with first-response time", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant, { visitorId: "v1" });
    const visitorSide = await callJson<{ id: string }>(
      "/api/conversations",
      { token: tenant.accessToken, json: {} },
      201,
    );
    await callJson(
      `/api/conversations/${visitorSide.id}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "hi" } },
      201,
    );
    await flush(conversation.id);
    const stats = await callJson<{
      byStatus: Record<string, number>;
      total: number;
      averageMessages: number;
    }>("/api/conversations/stats", { token: tenant.accessToken }, 200);
    // The staff message made its conversation the staff member's (with_human).
    expect(stats).toMatchObject({ total: 2, byStatus: { with_human: 1, resolved: 1 }, averageMessages: 0.5 });
  });
});

/** Runs `fn` inside the room instance (to age its clock-driven state without sleeping). */
async function runInRoom(stub: ReturnType<typeof room>, fn: (instance: unknown) => void) {
  const { runInDurableObject } = await import("cloudflare:test");
  await runInDurableObject(stub, (instance: unknown) => fn(instance));
}
