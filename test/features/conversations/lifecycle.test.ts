import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { createConversation, joinAsStaff, room } from "../../support/conversations";
import { isType, mustOpen } from "../../support/ws";

interface View {
  id: string;
  status: string;
  priority: string;
  snoozedUntil: string | null;
  resolvedAt: string | null;
}

/**
 * The room's alarm once its near deadlines (outbox flush, inbox window) have run: the conversation's
 * own next deadline (its snooze's end or idle expiry, both far off here).
 */
async function settledAlarm(id: string) {
  for (let run = 0; run < 5; run++) {
    const at = await runInDurableObject(room(id), (_instance, state) => state.storage.getAlarm());
    if (at === null || at > Date.now() + 10 * 60_000) return at;
    // A near deadline (the flush, the inbox's window) does its work only once it is due.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    await runDurableObjectAlarm(room(id));
  }
  throw new Error("the room's alarm never settled");
}

async function openInbox(token: string) {
  const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
  const inbox = await mustOpen(url);
  await inbox.next(isType("snapshot"));
  return inbox;
}

describe("reopen, snooze and priority", () => {
  it("reopens a resolved conversation, and refuses one that is open", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}`;
    expect((await call(`${path}/reopen`, { method: "POST", token })).status).toBe(409);
    await callJson(`${path}/resolve`, { method: "POST", token }, 200);
    const reopened = await callJson<View>(`${path}/reopen`, { method: "POST", token }, 200);
    expect(reopened).toMatchObject({ status: "open", resolvedAt: null });
    await callJson(`${path}/messages`, { token, json: { text: "Back again" } }, 201);
  }, 30_000);

  it("snoozes until a time: the room's alarm opens it again and the inbox hears of it", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}`;
    const staff = await joinAsStaff(tenant, conversation.id);
    const inbox = await openInbox(token);
    const until = new Date(Date.now() + 1500).toISOString();
    const snoozed = await callJson<View>(`${path}/snooze`, { token, json: { until } }, 200);
    expect(snoozed).toMatchObject({ status: "snoozed", snoozedUntil: until });
    expect(await staff.next((f) => f.type === "status" && f.status === "snoozed")).toMatchObject({
      snoozedUntil: Date.parse(until),
    });
    expect(
      (await callJson<{ data: View[] }>("/api/conversations?status=snoozed", { token }, 200)).data,
    ).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(until) - Date.now() + 50));
    await runDurableObjectAlarm(room(conversation.id));
    expect(await inbox.next((f) => f.type === "conversation.status" && f.status === "open")).toMatchObject({
      conversationId: conversation.id,
      reason: "snooze ended",
    });
    await room(conversation.id).flushNow();
    expect(await callJson<View>(path, { token }, 200)).toMatchObject({ status: "open", snoozedUntil: null });

    // Not yet: an alarm before its time leaves a conversation snoozed.
    const later = await createConversation(tenant);
    const hour = new Date(Date.now() + 3_600_000).toISOString();
    await callJson(`/api/conversations/${later.id}/snooze`, { token, json: { until: hour } }, 200);
    await runDurableObjectAlarm(room(later.id));
    await room(later.id).flushNow();
    expect(await callJson<View>(`/api/conversations/${later.id}`, { token }, 200)).toMatchObject({
      status: "snoozed",
      snoozedUntil: hour,
    });

    // In the past, or a resolved conversation: refused.
    const past = await call(`${path}/snooze`, {
      token,
      json: { until: new Date(Date.now() - 1000).toISOString() },
    });
    expect(past.status).toBe(400);
    await callJson(`${path}/resolve`, { method: "POST", token }, 200);
    const closed = await call(`${path}/snooze`, {
      token,
      json: { until: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(closed.status).toBe(409);
  });

  it("opens a snoozed conversation when the visitor writes, and its snooze alarm goes", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const conversation = await createConversation(tenant, { visitorId: "v-snooze" });
    const path = `/api/conversations/${conversation.id}`;
    const until = Date.now() + 3_600_000;
    await callJson(`${path}/snooze`, { token, json: { until: new Date(until).toISOString() } }, 200);
    expect(await settledAlarm(conversation.id)).toBe(until);
    const staff = await joinAsStaff(tenant, conversation.id);
    await room(conversation.id).post({ kind: "visitor", id: "v-snooze" }, { text: "Any news?" });
    expect(await staff.next((f) => f.type === "status" && f.status === "open")).toMatchObject({
      reason: "the visitor wrote",
    });
    expect(await settledAlarm(conversation.id)).not.toBe(until);
    await room(conversation.id).flushNow();
    expect(await callJson<View>(path, { token }, 200)).toMatchObject({ status: "open", snoozedUntil: null });
  });

  it("a staff reply wakes a snoozed conversation: with a human again, its snooze alarm gone", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const conversation = await createConversation(tenant, { visitorId: "v-snooze-2" });
    const path = `/api/conversations/${conversation.id}`;
    const until = Date.now() + 3_600_000;
    await callJson(`${path}/snooze`, { token, json: { until: new Date(until).toISOString() } }, 200);
    expect(await settledAlarm(conversation.id)).toBe(until);
    const staff = await joinAsStaff(tenant, conversation.id);
    // A private note is not a reply: it stays snoozed.
    await callJson(
      `${path}/messages`,
      { token, json: { text: "Waiting on the courier", kind: "note" } },
      201,
    );
    expect((await room(conversation.id).info())?.status).toBe("snoozed");
    await callJson(`${path}/messages`, { token, json: { text: "Your parcel is on its way" } }, 201);
    expect(await staff.next((f) => f.type === "status" && f.status === "with_human")).toMatchObject({
      assigneeId: tenant.user.id,
      reason: "staff replied",
    });
    expect(await settledAlarm(conversation.id)).not.toBe(until);
    await room(conversation.id).flushNow();
    expect(await callJson<View>(path, { token }, 200)).toMatchObject({
      status: "with_human",
      snoozedUntil: null,
    });
  });

  it("sets a priority, filters by it and sorts the most urgent first", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const low = await createConversation(tenant, { priority: "low" });
    const urgent = await createConversation(tenant);
    const none = await createConversation(tenant);
    const inbox = await openInbox(token);
    const set = await callJson<View>(
      `/api/conversations/${urgent.id}/priority`,
      { method: "PUT", token, json: { priority: "urgent" } },
      200,
    );
    expect(set.priority).toBe("urgent");
    expect(
      await inbox.next((f) => f.type === "conversation.updated" && f.conversationId === urgent.id),
    ).toMatchObject({ priority: "urgent" });
    const list = async (query: string) =>
      (await callJson<{ data: View[] }>(`/api/conversations?${query}`, { token }, 200)).data.map((c) => c.id);
    expect(await list("priority=urgent")).toEqual([urgent.id]);
    expect(await list("sort=priority")).toEqual([urgent.id, low.id, none.id]);
    const first = await callJson<{ data: View[]; nextCursor: string }>(
      "/api/conversations?sort=priority&limit=2",
      { token },
      200,
    );
    expect(await list(`sort=priority&limit=2&cursor=${first.nextCursor}`)).toEqual([none.id]);
    const bad = await call(`/api/conversations/${urgent.id}/priority`, {
      method: "PUT",
      token,
      json: { priority: "asap" },
    });
    expect(bad.status).toBe(400);
  });
});
