import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { isType, mustOpen } from "../../support/ws";

const ORIGIN = "https://shop.example.test";

interface WidgetKey {
  id: string;
  publicKey: string;
  identitySecret?: string;
}

interface WidgetSession {
  visitorId: string;
  visitorToken: string;
  conversation: { id: string; visitorId: string; customerUserId: string | null; status: string };
  ticket: { url: string; lastSeq: number };
}

async function widgetKey(token: string, allowedOrigins = [ORIGIN]) {
  return callJson<WidgetKey>("/api/widget-keys", { token, json: { name: "Shop", allowedOrigins } }, 201);
}

const session = (body: Record<string, unknown>, origin = ORIGIN) =>
  call("/api/widget/sessions", { json: body, headers: { Origin: origin } });

async function hmac(secret: string, message: string) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return [...signature].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("widget keys and visitor sessions", () => {
  it("starts a visitor chat from an allowed origin and lets staff and visitor talk", async () => {
    const tenant = await registerTenant();
    const key = await widgetKey(tenant.accessToken);
    expect(key.publicKey).toMatch(/^wk_/);
    const response = await session({ widgetKey: key.publicKey, visitor: { name: "Ada" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    const visitor = (await response.json()) as WidgetSession;
    expect(visitor.conversation).toMatchObject({ visitorId: visitor.visitorId, status: "open" });

    const visitorSocket = await mustOpen(visitor.ticket.url);
    await visitorSocket.next(isType("ready"));
    visitorSocket.send({ type: "message", clientId: "v1", text: "Hi, I need help" });
    expect(await visitorSocket.next(isType("ack"))).toMatchObject({ seq: 1 });
    const reply = await callJson<{ seq: number }>(
      `/api/conversations/${visitor.conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "Hello Ada!" } },
      201,
    );
    const delivered = await visitorSocket.next((f) => f.type === "message" && f.seq === reply.seq);
    expect(delivered).toMatchObject({ text: "Hello Ada!", sender: { kind: "staff" } });
  });

  it("resumes the same visitor and conversation with the visitor token", async () => {
    const tenant = await registerTenant();
    const key = await widgetKey(tenant.accessToken);
    const first = (await (await session({ widgetKey: key.publicKey })).json()) as WidgetSession;
    const again = (await (
      await session({ widgetKey: key.publicKey, visitorToken: first.visitorToken })
    ).json()) as WidgetSession;
    expect(again.visitorId).toBe(first.visitorId);
    expect(again.conversation.id).toBe(first.conversation.id);
    // A token from another tenant's widget is ignored: a new visitor.
    const other = await widgetKey((await registerTenant()).accessToken);
    const stranger = (await (
      await session({ widgetKey: other.publicKey, visitorToken: first.visitorToken })
    ).json()) as WidgetSession;
    expect(stranger.visitorId).not.toBe(first.visitorId);
    // Another visitor cannot join this conversation by id.
    const intruder = await session({ widgetKey: key.publicKey, conversationId: first.conversation.id });
    expect(intruder.status).toBe(404);
  });

  it("refuses other origins, unknown and revoked keys", async () => {
    const tenant = await registerTenant();
    const key = await widgetKey(tenant.accessToken);
    expect((await session({ widgetKey: key.publicKey }, "https://evil.example")).status).toBe(403);
    expect((await session({ widgetKey: "wk_nope" })).status).toBe(401);
    expect(
      (await call(`/api/widget-keys/${key.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(204);
    expect((await session({ widgetKey: key.publicKey })).status).toBe(401);
    const invalid = await call("/api/widget-keys", {
      token: tenant.accessToken,
      json: { name: "x", allowedOrigins: ["shop.example/path"] },
    });
    expect(invalid.status).toBe(400);
  });

  it("verifies a visitor's identity with the key's HMAC secret", async () => {
    const tenant = await registerTenant();
    const key = await widgetKey(tenant.accessToken);
    const userHash = await hmac(key.identitySecret ?? "", "crm-user-7");
    const verified = (await (
      await session({ widgetKey: key.publicKey, visitor: { userId: "crm-user-7", userHash } })
    ).json()) as WidgetSession;
    expect(verified.conversation.customerUserId).toBe("crm-user-7");
    const forged = await session({ widgetKey: key.publicKey, visitor: { userId: "crm-user-8", userHash } });
    expect(forged.status).toBe(403);
    const list = await callJson<{ data: Record<string, unknown>[] }>(
      "/api/widget-keys",
      { token: tenant.accessToken },
      200,
    );
    expect(list.data[0]).not.toHaveProperty("identitySecret");
  });
});

describe("the widget before and around a chat", () => {
  const config = (publicKey: string, origin = ORIGIN) =>
    call(`/api/widget/config?widgetKey=${encodeURIComponent(publicKey)}`, { headers: { Origin: origin } });

  it("opens a session without creating a conversation, and creates it on the first start", async () => {
    const tenant = await registerTenant();
    const key = await widgetKey(tenant.accessToken);
    const quiet = await callJson<{ visitorToken: string; conversation: null; ticket: null }>(
      "/api/widget/sessions",
      { json: { widgetKey: key.publicKey, start: false }, headers: { Origin: ORIGIN } },
      200,
    );
    expect(quiet).toMatchObject({ conversation: null, ticket: null });
    const list = await callJson<{ data: unknown[] }>(
      "/api/conversations",
      { token: tenant.accessToken },
      200,
    );
    expect(list.data).toEqual([]);

    const started = (await (
      await session({ widgetKey: key.publicKey, visitorToken: quiet.visitorToken })
    ).json()) as WidgetSession;
    expect(started.conversation.status).toBe("open");
    // The same visitor coming back finds that conversation, even without starting one.
    const again = await callJson<WidgetSession>(
      "/api/widget/sessions",
      {
        json: { widgetKey: key.publicKey, visitorToken: quiet.visitorToken, start: false },
        headers: { Origin: ORIGIN },
      },
      200,
    );
    expect(again.conversation.id).toBe(started.conversation.id);
    expect(again.ticket.url).toContain("ticket=");
  });

  it("serves the key's settings and whether the team is online and within hours, to allowed origins only", async () => {
    const tenant = await registerTenant();
    const agent = await callJson<{ id: string }>(
      "/api/agents",
      {
        token: tenant.accessToken,
        json: { name: "Night shift", businessHours: { timezone: "UTC", weekly: {} } },
      },
      201,
    );
    const settings = {
      title: "Bike help",
      preChatForm: { enabled: true, requireEmail: true },
      theme: { color: "#0a7d39", position: "left", launcherText: "Questions?" },
      strings: { placeholder: "Schreiben Sie…", send: "Senden" },
      replyTimeHours: 4,
      citationUrl: "https://shop.example.test/docs/{documentId}#page={page}",
    };
    const key = await callJson<{ publicKey: string; id: string; settings: unknown }>(
      "/api/widget-keys",
      {
        token: tenant.accessToken,
        json: { name: "Shop", allowedOrigins: [ORIGIN], agentId: agent.id, settings },
      },
      201,
    );
    expect(key.settings).toEqual(settings);
    const away = await (await config(key.publicKey)).json();
    expect(away).toEqual({ settings, online: false, withinHours: false, hours: " (UTC)" });
    expect((await config(key.publicKey, "https://evil.example")).status).toBe(403);
    expect((await config("wk_nope")).status).toBe(401);

    // A staff member opens the live inbox: the widget shows the team online.
    const { url } = await callJson<{ url: string }>(
      "/api/inbox/ticket",
      { method: "POST", token: tenant.accessToken },
      200,
    );
    const inbox = await mustOpen(url);
    await inbox.next(isType("snapshot"));
    expect(await (await config(key.publicKey)).json()).toMatchObject({ online: true });
    inbox.close();

    const bad = await call(`/api/widget-keys/${key.id}`, {
      method: "PUT",
      token: tenant.accessToken,
      json: { settings: { theme: { color: "red" }, citationUrl: "javascript:alert(1)" } },
    });
    expect(bad.status).toBe(400);
    const updated = await callJson<{ settings: unknown }>(
      `/api/widget-keys/${key.id}`,
      { method: "PUT", token: tenant.accessToken, json: { settings: { title: "Hilfe" } } },
      200,
    );
    expect(updated.settings).toEqual({ title: "Hilfe" });
  });
});

describe("visitor feedback", () => {
  it("lets a visitor like or dislike a message of their own conversation, and nobody else's", async () => {
    const tenant = await registerTenant();
    const key = await widgetKey(tenant.accessToken);
    const visitor = (await (await session({ widgetKey: key.publicKey })).json()) as WidgetSession;
    const reply = await callJson<{ id: string }>(
      `/api/conversations/${visitor.conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "Try turning it off and on." } },
      201,
    );
    const path = `/api/widget/conversations/${visitor.conversation.id}/messages/${reply.id}/feedback`;
    const rate = (token: string | null, rating: string) =>
      call(path, {
        json: { rating },
        headers: { Origin: ORIGIN, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      });
    const liked = await rate(visitor.visitorToken, "like");
    expect(liked.status).toBe(201);
    expect(await liked.json()).toMatchObject({
      rating: "like",
      rater: { kind: "visitor", id: visitor.visitorId },
    });
    expect((await rate(visitor.visitorToken, "dislike")).status).toBe(200);
    const seen = await callJson<{ counts: { like: number; dislike: number } }>(
      `/api/messages/${reply.id}/feedback`,
      { token: tenant.accessToken },
      200,
    );
    expect(seen.counts).toEqual({ like: 0, dislike: 1 });

    expect((await rate(null, "like")).status).toBe(401);
    expect((await rate("not-a-token", "like")).status).toBe(401);
    const stranger = (await (await session({ widgetKey: key.publicKey })).json()) as WidgetSession;
    expect((await rate(stranger.visitorToken, "like")).status).toBe(404);
    expect((await rate(visitor.visitorToken, "meh")).status).toBe(400);
  });
});

describe("staff names for the widget", () => {
  it("gives a visitor the display names of staff ids in their conversation, and nothing else", async () => {
    const tenant = await registerTenant();
    const key = await widgetKey(tenant.accessToken);
    const visitor = (await (await session({ widgetKey: key.publicKey })).json()) as WidgetSession;
    // Staff messages name their sender by user id.
    const reply = { sender: { id: tenant.user.id } };
    const other = await registerTenant();
    const names = (token: string, ids: string) =>
      call(`/api/widget/conversations/${visitor.conversation.id}/staff?ids=${ids}`, {
        headers: { Origin: ORIGIN, Authorization: `Bearer ${token}` },
      });
    const found = await names(visitor.visitorToken, `${reply.sender.id},${other.user.id}`);
    expect(found.status).toBe(200);
    // Another tenant's user is not named, even when asked for.
    expect(await found.json()).toEqual({ data: [{ id: reply.sender.id, name: "Admin" }] });
    const stranger = (await (await session({ widgetKey: key.publicKey })).json()) as WidgetSession;
    expect((await names(stranger.visitorToken, reply.sender.id)).status).toBe(404);
    expect((await names(visitor.visitorToken, "not-a-uuid")).status).toBe(400);
  });
});
