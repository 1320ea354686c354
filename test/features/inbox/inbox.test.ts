import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { createConversation, joinAsStaff } from "../../support/conversations";
import { mustOpen, openSocket } from "../../support/ws";

async function openInbox(token: string) {
  const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
  return mustOpen(url);
}

describe("staff inbox", () => {
  it("shows a message in the snapshot of a socket that joins before the room copied it to Postgres", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant, { visitorId: "v-early" });
    const watching = await openInbox(tenant.accessToken);
    await watching.next((f) => f.type === "snapshot");
    const room = await joinAsStaff(tenant, conversation.id);
    room.send({ type: "message", clientId: "1", text: "Where is my order?" });
    await watching.next((f) => f.type === "message");
    // The room copies a quiet conversation's message to Postgres half a second later.
    const joining = await openInbox(tenant.accessToken);
    const snapshot = await joining.next((f) => f.type === "snapshot");
    expect(
      (snapshot.conversations as Record<string, unknown>[]).find((c) => c.id === conversation.id),
    ).toMatchObject({
      lastSeq: 1,
      lastMessagePreview: "Where is my order?",
    });
  });

  it("sends a snapshot, then conversation, message, typing and status events", async () => {
    const tenant = await registerTenant();
    const existing = await createConversation(tenant, { visitorId: "v-existing" });
    const inbox = await openInbox(tenant.accessToken);
    const snapshot = await inbox.next((f) => f.type === "snapshot");
    expect((snapshot.conversations as { id: string }[]).map((c) => c.id)).toEqual([existing.id]);

    const created = await createConversation(tenant, { visitorId: "v-new" });
    expect(await inbox.next((f) => f.type === "conversation.created")).toMatchObject({
      conversation: { id: created.id },
    });

    const room = await joinAsStaff(tenant, created.id);
    room.send({ type: "typing", on: true });
    expect(await inbox.next((f) => f.type === "typing")).toMatchObject({
      conversationId: created.id,
      on: true,
    });
    room.send({ type: "message", clientId: "1", text: "Where is my order?" });
    expect(await inbox.next((f) => f.type === "message")).toMatchObject({
      conversationId: created.id,
      seq: 1,
      preview: "Where is my order?",
    });

    await callJson(
      `/api/conversations/${created.id}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(
      await inbox.next((f) => f.type === "conversation.status" && f.status === "resolved"),
    ).toMatchObject({
      conversationId: created.id,
    });
    // The staff message before had made it theirs.
    expect(inbox.frames.find((f) => f.type === "conversation.status")).toMatchObject({
      status: "with_human",
      assigneeId: tenant.user.id,
    });
  });

  it("hears a REST status change once, from the room, with Postgres already written through it", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const inbox = await openInbox(tenant.accessToken);
    await inbox.next((f) => f.type === "snapshot");
    const path = `/api/conversations/${conversation.id}`;
    const resolved = await callJson<{ status: string; resolvedAt: string | null }>(
      `${path}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolvedAt).not.toBeNull();
    // Read back from Postgres: the room's copy, no second writer.
    expect(await callJson(path, { token: tenant.accessToken }, 200)).toMatchObject({
      status: "resolved",
      resolvedAt: resolved.resolvedAt,
    });
    await inbox.next((f) => f.type === "conversation.status" && f.status === "resolved");
    const assigned = await callJson<{ status: string }>(
      `${path}/assign`,
      { method: "PUT", token: tenant.accessToken, json: { assigneeId: tenant.user.id } },
      200,
    );
    expect(assigned.status).toBe("with_human");
    await inbox.next((f) => f.type === "conversation.status" && f.status === "with_human");
    // A ping's pong proves every event sent before it has arrived.
    inbox.send({ type: "ping" });
    await inbox.next((f) => f.type === "pong");
    const statuses = inbox.frames.filter((f) => f.type === "conversation.status").map((f) => f.status);
    expect(statuses).toEqual(["resolved", "with_human"]);
    const outbox = await callJson<{ pending: number }>(`${path}/outbox`, { token: tenant.accessToken }, 200);
    expect(outbox.pending).toBe(0);
  });

  it("tells the inbox about a burst of messages with two events: the first at once, the rest folded", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const inbox = await openInbox(tenant.accessToken);
    await inbox.next((f) => f.type === "snapshot");
    const room = await joinAsStaff(tenant, conversation.id);
    for (let n = 1; n <= 5; n++) room.send({ type: "message", clientId: `burst-${n}`, text: `burst ${n}` });
    expect(await inbox.next((f) => f.type === "message")).toMatchObject({ seq: 1, count: 1 });
    // The room's alarm sends the rest when the throttle's window ends: the latest message, counting four.
    expect(await inbox.next((f) => f.type === "message" && f.seq === 5)).toMatchObject({
      conversationId: conversation.id,
      preview: "burst 5",
      count: 4,
    });
    expect(inbox.frames.filter((f) => f.type === "message")).toHaveLength(2);
  });

  it("never shows one tenant's events to another", async () => {
    const a = await registerTenant();
    const b = await registerTenant();
    const inboxB = await openInbox(b.accessToken);
    await inboxB.next((f) => f.type === "snapshot");
    await createConversation(a);
    const mine = await createConversation(b);
    const event = await inboxB.next((f) => f.type === "conversation.created");
    expect(event).toMatchObject({ conversation: { id: mine.id } });
    expect(inboxB.frames.filter((f) => f.type === "conversation.created")).toHaveLength(1);
  });

  it("refuses an inbox connection without a valid ticket", async () => {
    const refused = await openSocket("/api/inbox/ws?ticket=bad");
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(401);
    expect((await call("/api/inbox/ticket", { method: "POST" })).status).toBe(401);
  });
});
