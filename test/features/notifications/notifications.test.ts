import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAgent, visitorChat } from "../../support/ai";
import { addUser, call, callJson, registerTenant, type TestTenant, waitForEmail } from "../../support/api";
import { isType, mustOpen } from "../../support/ws";

interface Email {
  to: string[];
  subject: string;
  text: string;
}

const emailsTo = async (to: string) =>
  (await (
    await fetch(`${env.FAKE_SERVICES_URL}/_test/emails?to=${encodeURIComponent(to)}`)
  ).json()) as Email[];

/** A visitor chat handed to a person (pending_human), in the team when one is named. */
async function waiting(tenant: TestTenant, agentId: string, teamId?: string) {
  const chat = await visitorChat(tenant, agentId);
  if (teamId)
    await callJson(
      `/api/conversations/${chat.conversationId}/assign`,
      { method: "PUT", token: tenant.accessToken, json: { teamId } },
      200,
    );
  chat.socket.send({ type: "handoff" });
  await chat.socket.next((f) => f.type === "status" && f.status === "pending_human");
  // The visitor is told after staff were (or were not) notified.
  await chat.socket.next((f) => f.type === "message" && (f.sender as { kind: string }).kind === "system");
  return chat;
}

describe("staff notifications", () => {
  it("emails the team when a conversation waits and nobody is online, then one digest per window", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const team = await callJson<{ id: string }>(
      "/api/teams",
      { token: tenant.accessToken, json: { name: "Support", memberIds: [member.user.id] } },
      201,
    );
    // A digest "minute" lasts a second in tests (DIGEST_MINUTE_SECONDS=1): a 2-minute window is 2 s.
    await callJson(
      "/api/me/notification-preferences",
      { method: "PUT", token: member.accessToken, json: { digestMinutes: 2 } },
      200,
    );
    const agent = await createAgent(tenant);
    const first = await waiting(tenant, agent.id, team.id);
    const now = await waitForEmail(member.email, /waiting for a reply/);
    expect(now.subject).toBe("1 conversation is waiting for a reply");
    expect(now.text).toContain(first.conversationId);
    expect(now.text).toContain("every 2 minutes");

    // Two more within the window: nothing now, both in the next digest.
    const second = await waiting(tenant, agent.id, team.id);
    const third = await waiting(tenant, agent.id, team.id);
    const digest = await waitForEmail(member.email, /^2 conversations are waiting/, 10_000);
    expect(digest.text).toContain(second.conversationId);
    expect(digest.text).toContain(third.conversationId);
    expect(digest.text).not.toContain(first.conversationId);
    expect(await emailsTo(member.email)).toHaveLength(2);
    // Only the team heard of it, not the admin outside it.
    expect(await emailsTo(tenant.email)).toEqual([]);
  }, 40_000);

  it("stays quiet while someone of the tenant is online, and skips users who turned email off", async () => {
    const tenant = await registerTenant();
    // Created first, so its digest is tried before the other's (recipients go in id order).
    const quiet = await addUser(tenant.tenant.id, "TENANT_USER");
    const loud = await addUser(tenant.tenant.id, "TENANT_USER");
    expect(await callJson("/api/me/notification-preferences", { token: quiet.accessToken }, 200)).toEqual({
      emailEnabled: true,
      digestMinutes: 15,
    });
    await callJson(
      "/api/me/notification-preferences",
      { method: "PUT", token: quiet.accessToken, json: { emailEnabled: false } },
      200,
    );
    const agent = await createAgent(tenant);
    const { url } = await callJson<{ url: string }>(
      "/api/inbox/ticket",
      { method: "POST", token: tenant.accessToken },
      200,
    );
    const inbox = await mustOpen(url);
    await inbox.next(isType("snapshot"));
    const seen = await waiting(tenant, agent.id);
    await inbox.next((f) => f.type === "conversation.status" && f.conversationId === seen.conversationId);
    inbox.close();
    await inbox.closed;
    // Nobody online now: the tenant's staff (no assignee, no team) hear of the next one only.
    const unseen = await waiting(tenant, agent.id);
    const email = await waitForEmail(loud.email, /waiting for a reply/, 10_000);
    expect(email.text).toContain(unseen.conversationId);
    expect(email.text).not.toContain(seen.conversationId);
    expect(await emailsTo(quiet.email)).toEqual([]);
  }, 40_000);

  it("keeps preferences per user and refuses nonsense", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const path = "/api/me/notification-preferences";
    expect((await call(path, { method: "PUT", token, json: {} })).status).toBe(400);
    expect((await call(path, { method: "PUT", token, json: { digestMinutes: 0 } })).status).toBe(400);
    expect(await callJson(path, { method: "PUT", token, json: { digestMinutes: 60 } }, 200)).toEqual({
      emailEnabled: true,
      digestMinutes: 60,
    });
    expect(await callJson(path, { token }, 200)).toEqual({ emailEnabled: true, digestMinutes: 60 });
    const key = await callJson<{ key: string }>("/api/api-keys", { token, json: { name: "k" } }, 201);
    expect((await call(path, { token: key.key })).status).toBe(403);
  });
});
