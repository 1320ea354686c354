import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAgent, room, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { callJson, registerTenant, type TestTenant } from "../../support/api";
import {
  clockAt,
  eventsOf,
  MIN,
  named,
  type StoredEvent,
  say,
  session,
  signInAgain,
  staffReply,
  visitor,
} from "./helpers";

afterEach(() => vi.useRealTimers());

const HOUR = 60 * MIN;
const T0 = Date.parse("2027-03-01T09:00:00Z"); // a Monday
const pick = (e: StoredEvent) => ({ name: e.name, actor: e.actor, valueS: e.valueS });
function counts(events: StoredEvent[]): Record<string, number> {
  const n: Record<string, number> = {};
  for (const e of events) n[e.name] = (n[e.name] ?? 0) + 1;
  return n;
}

interface Seam {
  analytics: { deadline(): number | null };
  store: { enqueue(kind: string, payload: unknown, now: number): void };
}

/** A tenant whose agent answers from the fake model with `answers`, in order. */
async function tenantWithAgent(answers: string[]) {
  const tenant = await registerTenant();
  const model = uniqueModel();
  await useFakeProvider(tenant, model);
  await script(
    model,
    answers.map((text) => ({ type: "text", chunks: [text] })),
  );
  const agent = await createAgent(tenant);
  return { tenant, agent };
}

async function answeredByAi(chat: { conversationId: string }) {
  await room(chat.conversationId).aiIdle();
}

describe("conversation events written by the room", () => {
  it("measures the human first response from the first customer message after the handoff, never bot time", async () => {
    clockAt(T0);
    const { tenant, agent } = await tenantWithAgent(["We open at nine."]);
    const chat = await visitor(tenant, agent.id);
    clockAt(T0 + MIN);
    await say(chat, "When do you open?");
    await answeredByAi(chat);
    clockAt(T0 + 2 * MIN);
    await say(chat, "Can I talk to a real person please?");
    await chat.socket.next((f) => f.type === "status" && f.status === "pending_human");
    await answeredByAi(chat);
    clockAt(T0 + 5 * MIN);
    await say(chat, "Hello? My order never arrived.");
    clockAt(T0 + 12 * MIN);
    await staffReply(tenant, chat.conversationId, "Sorry about that, looking now.");

    const events = await eventsOf(chat.conversationId);
    expect(counts(events)).toEqual({
      conversation_created: 1,
      message_in: 3,
      ai_answer: 1,
      reply: 2,
      handoff: 1,
      first_human_reply: 1,
    });
    // 7 minutes from "Hello?" (after the handoff), not 11 from the first question the AI answered.
    expect(named(events, "first_human_reply").map(pick)).toEqual([
      { name: "first_human_reply", actor: "human", valueS: 7 * 60 },
    ]);
    expect(named(events, "reply").map(pick)).toEqual([
      { name: "reply", actor: "ai", valueS: null },
      { name: "reply", actor: "human", valueS: 7 * 60 },
    ]);
    const [frt] = named(events, "first_human_reply");
    expect(frt).toMatchObject({
      userId: tenant.user.id,
      agentId: agent.id,
      channel: "web",
      valueBhS: 7 * 60,
    });
    expect(named(events, "ai_answer")[0]).toMatchObject({ agentId: agent.id, dims: { citations: 0 } });
    expect(named(events, "handoff")[0]?.dims).toEqual({ reason: "the visitor asked for a person" });
  });

  it("measures a reopened conversation from the reopen, not from its creation", async () => {
    clockAt(T0);
    let tenant: TestTenant = await registerTenant();
    const chat = await visitor(tenant);
    await say(chat, "Hi, where is my parcel?");
    clockAt(T0 + 10 * MIN);
    await staffReply(tenant, chat.conversationId, "On its way.");
    // Idle for longer than the widget's 30 minutes: the room's alarm expires it.
    clockAt(T0 + 41 * MIN);
    await runDurableObjectAlarm(room(chat.conversationId));
    const T1 = clockAt(T0 + 3 * HOUR);
    tenant = await signInAgain(tenant);
    const back = await session(chat.widgetKey, chat);
    expect(back.conversationId).toBe(chat.conversationId);
    clockAt(T1 + MIN);
    await say(back, "It did not arrive.");
    clockAt(T1 + 4 * MIN);
    await staffReply(tenant, chat.conversationId, "Sending another.");
    clockAt(T1 + 5 * MIN);
    await callJson(
      `/api/conversations/${chat.conversationId}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );

    const events = await eventsOf(chat.conversationId);
    expect(named(events, "first_human_reply").map((e) => e.valueS)).toEqual([10 * 60, 3 * 60]);
    expect(named(events, "conversation_reopened")).toHaveLength(1);
    expect(named(events, "conversation_reopened")[0]?.at.getTime()).toBe(T1);
    const [resolved] = named(events, "conversation_resolved");
    expect(resolved).toMatchObject({ valueS: 5 * 60, dims: { reopened: true }, userId: tenant.user.id });
  });

  it("assumes an AI resolution 24 h after its last answer, and revokes it when the customer comes back for help", async () => {
    clockAt(T0);
    const { tenant, agent } = await tenantWithAgent([
      "Reset it from Settings.",
      "Try again after an update.",
    ]);
    const chat = await visitor(tenant, agent.id);
    await say(chat, "How do I reset my password?");
    await answeredByAi(chat);
    const stub = room(chat.conversationId);

    // Not yet: 23 h on (the alarm expires the idle chat, the AI's clock keeps running).
    clockAt(T0 + 23 * HOUR);
    await runDurableObjectAlarm(stub);
    expect(named(await eventsOf(chat.conversationId), "ai_resolution_assumed")).toEqual([]);
    clockAt(T0 + 24 * HOUR + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [assumed] = named(await eventsOf(chat.conversationId), "ai_resolution_assumed");
    expect(assumed).toMatchObject({ actor: "ai", agentId: agent.id, valueS: 24 * 3600 });
    expect(assumed?.at.getTime()).toBe(T0 + 24 * HOUR);
    // The alarm running again records nothing more.
    await runDurableObjectAlarm(stub);
    expect(named(await eventsOf(chat.conversationId), "ai_resolution_assumed")).toHaveLength(1);

    // Two days later the customer is back: it did not help after all.
    clockAt(T0 + 48 * HOUR);
    const back = await session(chat.widgetKey, chat);
    await say(back, "That did not work, I still cannot log in.");
    await answeredByAi(back);
    const events = await eventsOf(chat.conversationId);
    const [revoked] = named(events, "ai_resolution_revoked");
    expect(revoked).toMatchObject({
      actor: "human",
      dims: { revokes: assumed?.key, why: "customer_returned" },
    });
    // Assumed minus revoked: no AI resolution stands now; the AI's new answer starts a new 24 h.
    const deadline = await runInDurableObject(stub, (instance) =>
      (instance as unknown as Seam).analytics.deadline(),
    );
    expect(deadline).toBe(T0 + 72 * HOUR);
  });

  it("assumes nothing while the customer keeps replying: the 24 h run from the AI's last answer", async () => {
    clockAt(T0);
    const { tenant, agent } = await tenantWithAgent(["Reset it from Settings.", "Yes, on mobile too."]);
    const chat = await visitor(tenant, agent.id);
    await say(chat, "How do I reset my password?");
    await answeredByAi(chat);
    clockAt(T0 + 2 * HOUR);
    await say(chat, "Thanks, and it also works on mobile?");
    await answeredByAi(chat);
    clockAt(T0 + 24 * HOUR + 1000);
    await runDurableObjectAlarm(room(chat.conversationId));
    expect(named(await eventsOf(chat.conversationId), "ai_resolution_assumed")).toEqual([]);
    clockAt(T0 + 26 * HOUR + 1000);
    await runDurableObjectAlarm(room(chat.conversationId));
    const assumed = named(await eventsOf(chat.conversationId), "ai_resolution_assumed");
    expect(assumed.map((e) => e.at.getTime())).toEqual([T0 + 26 * HOUR]);
  });

  it("confirms an AI resolution when the conversation is resolved while the AI owns it; nothing is assumed after", async () => {
    clockAt(T0);
    const { tenant, agent } = await tenantWithAgent(["Reset it from Settings."]);
    const chat = await visitor(tenant, agent.id);
    await say(chat, "How do I reset my password?");
    await answeredByAi(chat);
    clockAt(T0 + 5 * MIN);
    await callJson(
      `/api/conversations/${chat.conversationId}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    clockAt(T0 + 30 * HOUR);
    await runDurableObjectAlarm(room(chat.conversationId));
    const events = await eventsOf(chat.conversationId);
    expect(named(events, "ai_resolution_confirmed").map(pick)).toEqual([
      { name: "ai_resolution_confirmed", actor: "ai", valueS: null },
    ]);
    expect(named(events, "ai_resolution_assumed")).toEqual([]);
  });

  it("counts a replayed outbox row once", async () => {
    clockAt(T0);
    const tenant = await registerTenant();
    const chat = await visitor(tenant);
    await say(chat, "Hello");
    await staffReply(tenant, chat.conversationId, "Hi!");
    const stub = room(chat.conversationId);
    // The outbox rows as they stand before the flush: a flush that commits but dies before removing
    // them sends the same rows again.
    const pending = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec("SELECT kind, payload FROM outbox WHERE kind = 'analytics'").toArray(),
    );
    expect(pending.length).toBeGreaterThanOrEqual(4);
    const first = await eventsOf(chat.conversationId);
    await runInDurableObject(stub, (instance) => {
      for (const row of pending)
        (instance as unknown as Seam).store.enqueue("analytics", JSON.parse(String(row.payload)), Date.now());
    });
    expect(await stub.info()).toMatchObject({ outbox: { pending: pending.length } });
    const again = await eventsOf(chat.conversationId);
    expect(again.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(named(again, "reply")).toHaveLength(1);
    // Nothing was refused either: the replay is a no-op, not a dead letter.
    expect(await stub.info()).toMatchObject({ outbox: { pending: 0, dead: 0 } });
  });

  it("stores business-hours values for replies in and out of the tenant's hours", async () => {
    clockAt("2027-03-01T15:00:00Z");
    let tenant: TestTenant = await registerTenant();
    await callJson(
      "/api/analytics/business-hours",
      {
        method: "PUT",
        token: tenant.accessToken,
        json: {
          timezone: "Europe/Berlin",
          weekly: Object.fromEntries(
            ["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]]),
          ),
          holidays: [],
        },
      },
      200,
    );
    const chat = await visitor(tenant);
    // Monday 16:30 in Berlin, half an hour before closing; answered Tuesday 09:30 local.
    clockAt("2027-03-01T15:30:00Z");
    await say(chat, "Is my order shipped?");
    clockAt("2027-03-02T08:30:00Z");
    tenant = await signInAgain(tenant);
    await staffReply(tenant, chat.conversationId, "Yes, this morning.");
    // Inside hours: the same in both.
    clockAt("2027-03-02T09:00:00Z");
    await say(chat, "Great, tracking number?");
    clockAt("2027-03-02T09:10:00Z");
    tenant = await signInAgain(tenant);
    await staffReply(tenant, chat.conversationId, "Sent by email.");

    const events = await eventsOf(chat.conversationId);
    expect(named(events, "first_human_reply").map((e) => [e.valueS, e.valueBhS])).toEqual([
      [17 * 3600, 3600],
    ]);
    expect(named(events, "reply").map((e) => [e.valueS, e.valueBhS])).toEqual([
      [17 * 3600, 3600],
      [600, 600],
    ]);
  });

  it("records a reply sent with an API key as automation, never a human reply", async () => {
    const tenant = await registerTenant();
    const key = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "bot" } },
      201,
    );
    const chat = await visitor(tenant);
    await say(chat, "Hello");
    await staffReply({ accessToken: key.key }, chat.conversationId, "Automated hello");
    const events = await eventsOf(chat.conversationId);
    expect(named(events, "reply").map((e) => [e.actor, e.dims])).toEqual([
      ["system", { via: "integration" }],
    ]);
    expect(named(events, "first_human_reply")).toEqual([]);
  });
});
