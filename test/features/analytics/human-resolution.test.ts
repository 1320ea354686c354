import { afterEach, describe, expect, it, vi } from "vitest";
import { createAgent, room, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { callJson, registerTenant } from "../../support/api";
import { clockAt, eventsOf, MIN, named, say, signInAgain, staffReply, visitor } from "./helpers";

afterEach(() => vi.useRealTimers());

const T0 = Date.parse("2027-03-01T09:00:00Z"); // a Monday
const RANGE = "from=2027-03-01&to=2027-03-01";

async function tenantWithAgent(answers: string[]) {
  const tenant = await registerTenant();
  const model = uniqueModel();
  await useFakeProvider(tenant, model);
  await script(
    model,
    answers.map((text) => ({ type: "text", chunks: [text] })),
  );
  return { tenant, agent: await createAgent(tenant) };
}

const resolve = (token: string, id: string) =>
  callJson(`/api/conversations/${id}/resolve`, { method: "POST", token }, 200);

describe("human-only resolution time", () => {
  it("leaves out the stretches the AI owned the conversation, and counts only conversations a person handled", async () => {
    clockAt(T0);
    const { tenant: admin, agent } = await tenantWithAgent(["We open at nine.", "Reset it from Settings."]);
    let tenant = admin;
    // Handled by a person: the AI owns it for 2 minutes (until the handoff), Bob's part is 18.
    const handled = await visitor(tenant, agent.id);
    clockAt(T0 + MIN);
    await say(handled, "When do you open?");
    await room(handled.conversationId).aiIdle();
    clockAt(T0 + 2 * MIN);
    await say(handled, "Can I talk to a real person please?");
    await handled.socket.next((f) => f.type === "status" && f.status === "pending_human");
    await room(handled.conversationId).aiIdle();
    clockAt(T0 + 12 * MIN);
    await staffReply(tenant, handled.conversationId, "Sorry about that, looking now.");
    clockAt(T0 + 20 * MIN);
    tenant = await signInAgain(tenant); // the frozen clock outlived the access token
    const token = tenant.accessToken;
    await resolve(token, handled.conversationId);

    // Settled by the AI alone: no human-only resolution time at all.
    const byAi = await visitor(tenant, agent.id);
    await say(byAi, "How do I reset my password?");
    await room(byAi.conversationId).aiIdle();
    clockAt(T0 + 25 * MIN);
    await resolve(token, byAi.conversationId);

    const events = await eventsOf(handled.conversationId);
    expect(named(events, "conversation_resolved").map((e) => e.valueS)).toEqual([20 * 60]);
    expect(named(events, "human_resolution").map((e) => [e.valueS, e.valueBhS])).toEqual([
      [18 * 60, 18 * 60],
    ]);
    expect(named(await eventsOf(byAi.conversationId), "human_resolution")).toEqual([]);

    const report = await callJson<{ totals: Record<string, number | null> }>(
      `/api/analytics/conversations?${RANGE}`,
      { token },
      200,
    );
    expect(report.totals).toMatchObject({
      resolution_time_human_median: 18 * 60,
      resolution_time_human_mean: 18 * 60,
      conversations_resolved: 2,
    });
  }, 60_000);
});
