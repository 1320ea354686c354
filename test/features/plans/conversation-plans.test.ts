import { describe, expect, it } from "vitest";
import { room, script, visitorChat } from "../../support/ai";
import { call, callJson, registerTenant } from "../../support/api";
import { getPlan, setupPlanning, toolCall } from "../../support/plans";
import { type Frame, isType, messageFrom, mustOpen } from "../../support/ws";

async function openInbox(token: string) {
  const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
  const inbox = await mustOpen(url);
  await inbox.next(isType("snapshot"));
  return inbox;
}

const planFrame = (event: string) => (f: Frame) => f.type === "plan" && f.event === event;

describe("agents acting inside conversations", () => {
  it("proposes a plan in a widget conversation, waits for staff, runs it once approved and tells the visitor", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [
      {
        type: "tool_calls",
        text: "I can refund order 1234 for you.",
        calls: [toolCall("refund_order", { orderId: "1234", body: { amount: 42.5, reason: "damaged" } })],
      },
      { type: "text", chunks: ["Order 1234 was refunded."] },
    ]);
    await planning.api.script({ "POST /api/orders/1234/refund": { json: { refunded: true } } });
    const inbox = await openInbox(tenant.accessToken);
    const chat = await visitorChat(tenant, planning.agent.id);

    chat.socket.send({
      type: "message",
      clientId: "ask",
      text: "Please refund order 1234, it arrived broken",
    });
    const proposed = await chat.socket.next(planFrame("proposed"));
    const planId = String((proposed.plan as { id: string }).id);
    const summary = await chat.socket.next(messageFrom("ai"));
    expect(summary.text).toBe(
      "I can refund order 1234 for you. A team member needs to approve this first; I'll let you know here.",
    );
    const pending = await inbox.next((f) => f.type === "plan.pending");
    expect(pending).toMatchObject({
      conversationId: chat.conversationId,
      plan: { id: planId, status: "pending" },
    });

    // The visitor cannot approve it, over the socket or otherwise; nothing has run.
    chat.socket.send({ type: "approve", planId });
    expect(await chat.socket.next(isType("error"))).toMatchObject({ code: "forbidden" });
    expect(await planning.api.requests()).toEqual([]);

    // REST finds plans in their Postgres copy, which the room writes before announcing the plan.
    expect((await getPlan(tenant, planId)).status).toBe("pending");
    const approved = await call(`/api/plans/${planId}/approve`, { token: tenant.accessToken, json: {} });
    expect(approved.status).toBe(200);
    expect((await call(`/api/plans/${planId}/approve`, { token: tenant.accessToken, json: {} })).status).toBe(
      409,
    );
    const requests = await planning.api.requests();
    expect(requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ["POST", "/api/orders/1234/refund", "Bearer stored-downstream-token"],
    ]);

    await chat.socket.next(planFrame("completed"));
    const outcome = await chat.socket.next(
      (f) =>
        f.type === "message" &&
        Number(f.seq) > Number(summary.seq) &&
        (f.sender as { kind: string }).kind !== "visitor",
    );
    expect(String(outcome.text)).toContain("refunded");
    expect(await inbox.next((f) => f.type === "plan.finished")).toMatchObject({
      plan: { id: planId, status: "completed" },
    });

    const audit = await getPlan(tenant, planId);
    expect(audit).toMatchObject({
      status: "completed",
      conversationId: chat.conversationId,
      requestedBy: { kind: "visitor" },
      decidedBy: { id: tenant.user.id },
    });
    expect(audit.decidedAt).not.toBeNull();
    expect(audit.steps[0]).toMatchObject({ status: "succeeded", operation: "refund_order" });
    expect(audit.steps[0]?.durationMs).not.toBeNull();
  });

  it("runs read-only steps at once under the tenant's auto-run policy, with no approval asked", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await callJson(
      "/api/plans/settings",
      { method: "PUT", token: tenant.accessToken, json: { autoRun: "read" } },
      200,
    );
    await script(planning.model, [
      { type: "tool_calls", text: "Let me look that up.", calls: [toolCall("get_order", { orderId: "77" })] },
      { type: "text", chunks: ["Order 77 is on its way."] },
    ]);
    await planning.api.script({ "GET /api/orders/77": { json: { id: "77", status: "shipped" } } });
    const inbox = await openInbox(tenant.accessToken);
    const chat = await visitorChat(tenant, planning.agent.id);

    chat.socket.send({ type: "message", clientId: "where", text: "Where is order 77?" });
    const done = await chat.socket.next(planFrame("completed"));
    expect(done.plan).toMatchObject({
      status: "completed",
      decidedBy: { kind: "policy", id: "auto-run:read" },
    });
    await room(chat.conversationId).aiIdle();
    expect((await planning.api.requests()).map((r) => r.path)).toEqual(["/api/orders/77"]);
    inbox.send({ type: "ping" });
    await inbox.next(isType("pong"));
    expect(inbox.frames.some((f) => f.type === "plan.pending")).toBe(false);
  });

  it("answers without a plan when the model calls no action", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [{ type: "text", chunks: ["We open at nine."] }]);
    const chat = await visitorChat(tenant, planning.agent.id);
    chat.socket.send({ type: "message", clientId: "hours", text: "When do you open?" });
    expect((await chat.socket.next(messageFrom("ai"))).text).toBe("We open at nine.");
    expect(chat.socket.frames.some((f) => f.type === "plan")).toBe(false);
  });

  it("still hands off to a person when an agent with actions calls the handoff tool", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [
      {
        type: "tool_call",
        name: "handoff",
        arguments: JSON.stringify({ reason: "legal question" }),
        text: "One moment.",
      },
    ]);
    const chat = await visitorChat(tenant, planning.agent.id);
    chat.socket.send({ type: "message", clientId: "law", text: "Can I sue the courier?" });
    expect(await chat.socket.next(isType("status"))).toMatchObject({
      status: "pending_human",
      reason: "legal question",
    });
    expect(await planning.api.requests()).toEqual([]);
  });
});
