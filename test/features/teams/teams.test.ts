import { describe, expect, it } from "vitest";
import { createAgent, visitorChat } from "../../support/ai";
import { addUser, call, callJson, registerTenant, type TestTenant } from "../../support/api";
import { type Conversation, createConversation } from "../../support/conversations";
import { isType, mustOpen } from "../../support/ws";

interface Team {
  id: string;
  name: string;
  autoAssign: boolean;
  maxOpenPerAgent: number | null;
  members: { userId: string; name: string; email: string }[];
}

async function openInbox(token: string) {
  const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
  const inbox = await mustOpen(url);
  await inbox.next(isType("snapshot"));
  return inbox;
}

const assign = (tenant: TestTenant, id: string, json: Record<string, unknown>, status = 200) =>
  callJson<Conversation & { teamId: string | null }>(
    `/api/conversations/${id}/assign`,
    { method: "PUT", token: tenant.accessToken, json },
    status,
  );

/** Postgres has the room's latest decision (the answer of a list or GET comes from there). */
async function settled(tenant: TestTenant, id: string, done: (c: Conversation) => boolean) {
  for (let i = 0; i < 200; i++) {
    const row = await callJson<Conversation>(`/api/conversations/${id}`, { token: tenant.accessToken }, 200);
    if (done(row)) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`conversation ${id} never settled`);
}

describe("teams", () => {
  it("creates, changes and deletes teams and their members, only of the tenant's users", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const other = await registerTenant();
    const team = await callJson<Team>(
      "/api/teams",
      { token, json: { name: "Billing", memberIds: [tenant.user.id] } },
      201,
    );
    expect(team).toMatchObject({ name: "Billing", autoAssign: false, maxOpenPerAgent: null });
    expect(team.members.map((m) => m.userId)).toEqual([tenant.user.id]);
    const added = await callJson<Team>(
      `/api/teams/${team.id}/members/${member.user.id}`,
      { method: "PUT", token },
      200,
    );
    expect(added.members.map((m) => m.userId).sort()).toEqual([tenant.user.id, member.user.id].sort());
    expect(
      (await call(`/api/teams/${team.id}/members/${other.user.id}`, { method: "PUT", token })).status,
    ).toBe(400);
    expect(
      (await call("/api/teams", { token, json: { name: "x", memberIds: [other.user.id] } })).status,
    ).toBe(400);
    const removed = await callJson<Team>(
      `/api/teams/${team.id}/members/${tenant.user.id}`,
      { method: "DELETE", token },
      200,
    );
    expect(removed.members.map((m) => m.userId)).toEqual([member.user.id]);
    expect(
      (await call(`/api/teams/${team.id}/members/${tenant.user.id}`, { method: "DELETE", token })).status,
    ).toBe(404);
    const updated = await callJson<Team>(
      `/api/teams/${team.id}`,
      { method: "PUT", token, json: { autoAssign: true, maxOpenPerAgent: 3 } },
      200,
    );
    expect(updated).toMatchObject({ autoAssign: true, maxOpenPerAgent: 3 });
    // Members see teams; only admins shape them.
    expect(
      (await callJson<{ data: Team[] }>("/api/teams", { token: member.accessToken }, 200)).data,
    ).toHaveLength(1);
    expect((await call("/api/teams", { token: member.accessToken, json: { name: "mine" } })).status).toBe(
      403,
    );
    expect((await call(`/api/teams/${team.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await call(`/api/teams/${team.id}`, { token })).status).toBe(404);
  }, 30_000);

  it("assigns a conversation to a team through its room and filters the list by team", async () => {
    const tenant = await registerTenant();
    const team = await callJson<Team>(
      "/api/teams",
      { token: tenant.accessToken, json: { name: "Sales" } },
      201,
    );
    const mine = await createConversation(tenant, { teamId: team.id });
    expect(mine).toMatchObject({ teamId: team.id });
    const other = await createConversation(tenant);
    const inbox = await openInbox(tenant.accessToken);
    const assigned = await assign(tenant, other.id, { teamId: team.id });
    // A team alone changes neither the status nor the assignee.
    expect(assigned).toMatchObject({ teamId: team.id, status: "open", assigneeId: null });
    expect(await inbox.next((f) => f.type === "conversation.status")).toMatchObject({
      conversationId: other.id,
      teamId: team.id,
      status: "open",
    });
    const third = await createConversation(tenant);
    const list = await callJson<{ data: { id: string }[] }>(
      `/api/conversations?teamId=${team.id}`,
      { token: tenant.accessToken },
      200,
    );
    expect(list.data.map((c) => c.id).sort()).toEqual([mine.id, other.id].sort());
    expect(list.data.map((c) => c.id)).not.toContain(third.id);
    // Assigning a user keeps the team; taking the team away keeps the user.
    expect(await assign(tenant, other.id, { assigneeId: tenant.user.id })).toMatchObject({
      teamId: team.id,
      assigneeId: tenant.user.id,
      status: "with_human",
    });
    expect(await assign(tenant, other.id, { teamId: null })).toMatchObject({
      teamId: null,
      assigneeId: tenant.user.id,
      status: "with_human",
    });
    await settled(tenant, other.id, (c) => (c as Conversation & { teamId: string | null }).teamId === null);
    const foreign = await callJson<Team>(
      "/api/teams",
      { token: (await registerTenant()).accessToken, json: { name: "F" } },
      201,
    );
    expect(
      (
        await call(`/api/conversations/${other.id}/assign`, {
          method: "PUT",
          token: tenant.accessToken,
          json: { teamId: foreign.id },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(`/api/conversations/${other.id}/assign`, {
          method: "PUT",
          token: tenant.accessToken,
          json: {},
        })
      ).status,
    ).toBe(400);
  });

  it("gives conversations that wait for a human to online members in turn, within the per-agent limit", async () => {
    const tenant = await registerTenant();
    const [first, second, offline] = await Promise.all([
      addUser(tenant.tenant.id, "TENANT_USER"),
      addUser(tenant.tenant.id, "TENANT_USER"),
      addUser(tenant.tenant.id, "TENANT_USER"),
    ]);
    const team = await callJson<Team>(
      "/api/teams",
      {
        token: tenant.accessToken,
        json: {
          name: "Support",
          autoAssign: true,
          maxOpenPerAgent: 1,
          memberIds: [first.user.id, second.user.id, offline.user.id],
        },
      },
      201,
    );
    await openInbox(first.accessToken);
    await openInbox(second.accessToken);
    const agent = await createAgent(tenant);
    const chats = await Promise.all([visitorChat(tenant, agent.id), visitorChat(tenant, agent.id)]);
    const assignees: string[] = [];
    for (const chat of chats) {
      await assign(tenant, chat.conversationId, { teamId: team.id });
      chat.socket.send({ type: "handoff" });
      const frame = await chat.socket.next((f) => f.type === "status" && f.status === "with_human");
      expect(frame).toMatchObject({ reason: "auto-assigned", teamId: team.id });
      assignees.push(String(frame.assigneeId));
      await settled(tenant, chat.conversationId, (c) => c.assigneeId === frame.assigneeId);
    }
    // Round-robin: one each, never the offline member.
    expect(assignees.sort()).toEqual([first.user.id, second.user.id].sort());

    // Both online members are at their limit: a third waits unassigned.
    const third = await visitorChat(tenant, agent.id);
    third.socket.send({ type: "handoff" });
    await third.socket.next((f) => f.type === "status" && f.status === "pending_human");
    await settled(tenant, third.conversationId, (c) => c.status === "pending_human");
    const waiting = await assign(tenant, third.conversationId, { teamId: team.id });
    expect(waiting).toMatchObject({ status: "pending_human", assigneeId: null, teamId: team.id });

    // One of them resolves theirs: the next round-robin pass gives them the waiting one.
    const freed = chats[0]?.conversationId ?? "";
    const owner = (await settled(tenant, freed, () => true)).assigneeId;
    await callJson(`/api/conversations/${freed}/resolve`, { method: "POST", token: tenant.accessToken }, 200);
    await settled(tenant, freed, (c) => c.status === "resolved");
    expect(await assign(tenant, third.conversationId, { teamId: team.id })).toMatchObject({
      status: "with_human",
      assigneeId: owner,
    });
  });

  it("keeps copying a conversation's changes to Postgres after its team was deleted", async () => {
    const tenant = await registerTenant();
    const team = await callJson<Team>(
      "/api/teams",
      { token: tenant.accessToken, json: { name: "Gone" } },
      201,
    );
    const conversation = await createConversation(tenant, { teamId: team.id });
    expect(
      (await call(`/api/teams/${team.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(204);
    await callJson(
      `/api/conversations/${conversation.id}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    const row = await settled(tenant, conversation.id, (c) => c.status === "resolved");
    expect(row).toMatchObject({ status: "resolved", teamId: null });
    const outbox = await callJson<{ pending: number; deadCount: number }>(
      `/api/conversations/${conversation.id}/outbox`,
      { token: tenant.accessToken },
      200,
    );
    expect(outbox).toMatchObject({ pending: 0, deadCount: 0 });
  }, 30_000);
});
