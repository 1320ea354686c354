import { describe, expect, it } from "vitest";
import { createAgent } from "../../support/ai";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import {
  botToken,
  type Channel,
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  scriptTelegram,
  telegramCalls,
  textUpdate,
} from "../../support/channels";

const whatsapp = {
  type: "whatsapp",
  name: "WhatsApp sales",
  config: {
    phoneNumberId: "106540352242922",
    businessAccountId: "102290129340398",
    accessToken: "EAAG-secret-access-token",
    appSecret: "app-secret-0123456789",
  },
};

describe("channels API", () => {
  it("connects a Telegram bot: setWebhook gets our URL and a secret token, and reads never show the bot token", async () => {
    const tenant = await registerTenant();
    const agent = await createAgent(tenant);
    const { channel, token, webhook } = await connectTelegram(tenant, { agentId: agent.id });
    expect(channel).toMatchObject({
      type: "telegram",
      status: "active",
      agentId: agent.id,
      config: { configured: true },
    });
    expect(webhook?.params.url).toBe(`http://switchboard.test/webhooks/telegram/${channel.id}`);
    expect(String(webhook?.params.secret_token)).toMatch(/^[\w-]{32,256}$/);
    const list = await call("/api/channels", { token: tenant.accessToken });
    const one = await call(`/api/channels/${channel.id}`, { token: tenant.accessToken });
    const hook = await callJson<{ url: string; verifyToken: string | null }>(
      `/api/channels/${channel.id}/webhook`,
      { token: tenant.accessToken },
      200,
    );
    for (const text of [await list.text(), await one.text(), JSON.stringify(hook)]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(String(webhook?.params.secret_token));
    }
    expect(hook).toEqual({
      url: `http://switchboard.test/webhooks/telegram/${channel.id}`,
      verifyToken: null,
    });
    // The first test of a file also pays for warming the Worker, its queue consumer and rooms up.
  }, 30_000);

  it("refuses a bot token Telegram rejects, and stores nothing", async () => {
    const tenant = await registerTenant();
    const token = botToken();
    await scriptTelegram(token, [{ method: "setWebhook", status: 401 }]);
    const response = await call("/api/channels", {
      token: tenant.accessToken,
      json: { type: "telegram", name: "Bad bot", config: { botToken: token } },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("TOKEN_INVALID");
    const list = await callJson<{ data: Channel[] }>("/api/channels", { token: tenant.accessToken }, 200);
    expect(list.data).toEqual([]);
  });

  it("validates each type's config: a WhatsApp config missing fields and a malformed bot token are 400s", async () => {
    const tenant = await registerTenant();
    const bad = await call("/api/channels", {
      token: tenant.accessToken,
      json: { ...whatsapp, config: { phoneNumberId: "1" } },
    });
    expect(bad.status).toBe(400);
    const badTelegram = await call("/api/channels", {
      token: tenant.accessToken,
      json: { type: "telegram", name: "x", config: { botToken: "not a token" } },
    });
    expect(badTelegram.status).toBe(400);
  });

  it("answers the test checklist: token, webhook as Telegram sees it, last verified inbound", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    const before = await callJson<{
      ok: boolean;
      checks: { name: string; ok: boolean; detail: Record<string, unknown> }[];
    }>(`/api/channels/${channel.id}/test`, { token: tenant.accessToken, method: "POST" }, 200);
    expect(before.checks.map((c) => [c.name, c.ok])).toEqual([
      ["token", true],
      ["webhook", true],
      ["inbound", false],
    ]);
    expect(before.checks[1]?.detail).toMatchObject({
      urlMatches: true,
      pendingUpdateCount: 0,
      lastErrorMessage: null,
    });
    expect((await deliver(channel.id, secret, textUpdate(4242, "hello"))).status).toBe(200);
    const after = await eventually(async () => {
      const result = await callJson<{ ok: boolean; checks: { name: string; ok: boolean }[] }>(
        `/api/channels/${channel.id}/test`,
        { token: tenant.accessToken, method: "POST" },
        200,
      );
      return result.ok ? result : undefined;
    });
    expect(after.checks.every((c) => c.ok)).toBe(true);
  });

  it("marks the channel reauth_required when the checklist finds the token revoked", async () => {
    const tenant = await registerTenant();
    const { channel, token } = await connectTelegram(tenant);
    await scriptTelegram(token, [{ method: "getMe", status: 401 }]);
    const result = await callJson<{ ok: boolean; status: string; checks: { name: string; ok: boolean }[] }>(
      `/api/channels/${channel.id}/test`,
      { token: tenant.accessToken, method: "POST" },
      200,
    );
    expect(result).toMatchObject({ ok: false, status: "reauth_required" });
    const read = await callJson<Channel>(`/api/channels/${channel.id}`, { token: tenant.accessToken }, 200);
    expect(read.status).toBe("reauth_required");
    // New credentials clear it (and set the webhook again).
    const fresh = botToken();
    const updated = await callJson<Channel>(
      `/api/channels/${channel.id}`,
      { token: tenant.accessToken, method: "PUT", json: { config: { botToken: fresh } } },
      200,
    );
    expect(updated.status).toBe("active");
    expect(await telegramCalls(fresh, "setWebhook")).toHaveLength(1);
  });

  it("regenerates the secret: Telegram gets the new one and the old one stops working", async () => {
    const tenant = await registerTenant();
    const { channel, token, secret } = await connectTelegram(tenant);
    await callJson(
      `/api/channels/${channel.id}/webhook/regenerate`,
      { token: tenant.accessToken, method: "POST" },
      200,
    );
    const calls = await telegramCalls(token, "setWebhook");
    expect(calls).toHaveLength(2);
    const fresh = String(calls[1]?.params.secret_token);
    expect(fresh).not.toBe(secret);
    expect((await deliver(channel.id, secret, textUpdate(1, "old secret"))).status).toBe(401);
    expect((await deliver(channel.id, fresh, textUpdate(1, "new secret"))).status).toBe(200);
  });

  it("refuses to delete a channel with open conversations unless forced", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    await deliver(channel.id, secret, textUpdate(777, "hi"));
    await eventually(async () => (await channelConversations(tenant, channel.id)).length === 1);
    const refused = await call(`/api/channels/${channel.id}`, {
      token: tenant.accessToken,
      method: "DELETE",
    });
    expect(refused.status).toBe(409);
    const forced = await call(`/api/channels/${channel.id}?force=true`, {
      token: tenant.accessToken,
      method: "DELETE",
    });
    expect(forced.status).toBe(204);
    expect((await call(`/api/channels/${channel.id}`, { token: tenant.accessToken })).status).toBe(404);
  });

  it("is for tenant admins: a tenant user cannot list or create channels", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    expect((await call("/api/channels", { token: member.accessToken })).status).toBe(403);
    const create = await call("/api/channels", {
      token: member.accessToken,
      json: { type: "telegram", name: "x", config: { botToken: botToken() } },
    });
    expect(create.status).toBe(403);
  });
});
