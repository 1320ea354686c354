import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { room, script, visitorChat } from "../../support/ai";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import { joinAsStaff } from "../../support/conversations";
import {
  chatJson,
  getPlan,
  type PlanView,
  proposeRefund,
  setupPlanning,
  toolCall,
} from "../../support/plans";
import { type Frame, isType } from "../../support/ws";

interface Decision {
  plan: PlanView;
  reply: { id: string; text: string } | null;
}

const approve = (token: string, id: string, json: unknown = {}) =>
  call(`/api/plans/${id}/approve`, { token, json });

/**
 * Moves a pending plan's deadline into the past through the room's own storage (no sleeping). The
 * room's pending alarm (its outbox flush) runs first, so no real alarm fires behind the test's back.
 */
async function agePlan(conversationId: string, planId: string) {
  await runDurableObjectAlarm(room(conversationId));
  await runInDurableObject(room(conversationId), (_instance, state) => {
    state.storage.sql.exec("UPDATE plans SET expires_at = ? WHERE id = ?", Date.now() - 1000, planId);
  });
}

const planFrame = (event: string) => (f: Frame) => f.type === "plan" && f.event === event;

describe("plan approval", () => {
  it("approves over REST with edits: a dropped step never runs, a changed one runs as changed, and the edits are audited", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [
      {
        type: "tool_calls",
        text: "Refund, then tell the customer.",
        calls: [
          toolCall("refund_order", { orderId: "9", body: { amount: 100 } }),
          toolCall("email_customer", { body: { to: "ann@example.test", text: "Refunded" } }),
        ],
      },
      { type: "text", chunks: ["Refunded 60."] },
    ]);
    const first = await chatJson(tenant, {
      messages: [{ role: "user", content: "Refund order 9 and tell Ann" }],
    });
    const id = first.plan?.id ?? "";

    const invalid = await approve(tenant.accessToken, id, {
      edits: [{ step: 1, arguments: { orderId: "9", body: { amount: -5 } } }],
    });
    expect(invalid.status).toBe(400);
    expect((await approve(tenant.accessToken, id, { edits: [{ step: 7, drop: true }] })).status).toBe(400);
    expect((await getPlan(tenant, id)).status).toBe("pending");

    const response = await approve(tenant.accessToken, id, {
      edits: [
        { step: 1, arguments: { orderId: "9", body: { amount: 60 } } },
        { step: 2, drop: true },
      ],
    });
    expect(response.status).toBe(200);
    const decision = (await response.json()) as Decision;
    expect(decision.plan.status).toBe("completed");
    expect(decision.reply?.text).toBe("Refunded 60.");
    expect(decision.plan.steps.map((s) => [s.operation, s.status])).toEqual([
      ["refund_order", "succeeded"],
      ["email_customer", "dropped"],
    ]);
    const calls = await planning.api.requests();
    expect(calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ["POST", "/api/orders/9/refund", { amount: 60 }],
    ]);

    const stored = await getPlan(tenant, id);
    expect(stored.decidedBy).toEqual({ kind: "user", id: tenant.user.id });
    expect(stored.edits).toEqual([
      {
        step: 1,
        arguments: { orderId: "9", body: { amount: 60 } },
        by: { kind: "user", id: tenant.user.id },
        at: stored.decidedAt,
      },
      { step: 2, drop: true, by: { kind: "user", id: tenant.user.id }, at: stored.decidedAt },
    ]);
  });

  it("refuses edits that leave a step referring to a dropped one", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    const response = await approve(tenant.accessToken, first.plan?.id ?? "", {
      edits: [{ step: 1, drop: true }],
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("refers to step 1");
  });

  it("runs a plan approved twice at the same time exactly once", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    await script(planning.model, [{ type: "text", chunks: ["Done once."] }]);
    const id = first.plan?.id ?? "";
    const responses = await Promise.all([approve(tenant.accessToken, id), approve(tenant.accessToken, id)]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await planning.api.requests()).toHaveLength(2);
    expect((await approve(tenant.accessToken, id)).status).toBe(409);
    expect((await call(`/api/plans/${id}/reject`, { token: tenant.accessToken, json: {} })).status).toBe(409);
    expect(await planning.api.requests()).toHaveLength(2);
  });

  it("rejects over REST with a reason; the conversation hears it and nothing runs", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    const decision = await callJson<Decision>(
      `/api/plans/${first.plan?.id}/reject`,
      { token: tenant.accessToken, json: { reason: "refund window closed" } },
      200,
    );
    expect(decision.plan).toMatchObject({ status: "rejected", rejectionReason: "refund window closed" });
    expect(decision.reply?.text).toContain("refund window closed");
    expect(await planning.api.requests()).toEqual([]);
    expect((await approve(tenant.accessToken, first.plan?.id ?? "")).status).toBe(409);
  });

  it("expires a pending plan by the room's alarm; an expired plan cannot be approved", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    const watcher = await joinAsStaff(tenant, first.conversationId);
    expect(watcher.frames.filter(planFrame("proposed"))).toHaveLength(1);

    await agePlan(first.conversationId, first.plan?.id ?? "");
    expect(await runDurableObjectAlarm(room(first.conversationId))).toBe(true);
    expect(await watcher.next(planFrame("expired"))).toMatchObject({
      plan: { id: first.plan?.id, status: "expired" },
    });
    const notice = await watcher.next(
      (f) => f.type === "message" && (f.sender as { kind: string }).kind === "system",
    );
    expect(notice.text).toMatch(/expired/);

    const response = await approve(tenant.accessToken, first.plan?.id ?? "");
    expect(response.status).toBe(410);
    expect((await getPlan(tenant, first.plan?.id ?? "")).status).toBe("expired");
    expect(await planning.api.requests()).toEqual([]);
  });

  it("refuses (410) a plan past its deadline even before the alarm ran", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    await agePlan(first.conversationId, first.plan?.id ?? "");
    const response = await approve(tenant.accessToken, first.plan?.id ?? "");
    expect(response.status).toBe(410);
    expect((await getPlan(tenant, first.plan?.id ?? "")).status).toBe("expired");
    expect(await planning.api.requests()).toEqual([]);
  });

  it("keeps a pending plan and its expiry alarm across eviction, and runs it after", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    const stub = room(first.conversationId);
    await evictDurableObject(stub);
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm).toBeLessThanOrEqual(Date.parse(first.plan?.expiresAt ?? ""));

    await script(planning.model, [{ type: "text", chunks: ["Refunded after a restart."] }]);
    const decision = await callJson<Decision>(
      `/api/plans/${first.plan?.id}/approve`,
      { token: tenant.accessToken, json: {} },
      200,
    );
    expect(decision.plan.status).toBe("completed");
    expect(await planning.api.requests()).toHaveLength(2);
  });

  it("lets staff with approval rights approve over the room's WebSocket, and refuses others", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const first = await proposeRefund(tenant, planning);
    const id = first.plan?.id ?? "";

    const memberSocket = await joinAsStaff(member, first.conversationId);
    memberSocket.send({ type: "approve", planId: id });
    expect(await memberSocket.next(isType("error"))).toMatchObject({ code: "forbidden" });
    expect((await getPlan(tenant, id)).status).toBe("pending");

    await script(planning.model, [{ type: "text", chunks: ["All done."] }]);
    const admin = await joinAsStaff(tenant, first.conversationId);
    admin.send({ type: "approve", planId: id });
    await admin.next(planFrame("approved"));
    const steps = await admin.collect(planFrame("step"), 4);
    expect(steps.map((f) => (f.plan as PlanView).steps.map((s) => s.status))).toEqual([
      ["running", "pending"],
      ["succeeded", "pending"],
      ["succeeded", "running"],
      ["succeeded", "succeeded"],
    ]);
    expect(await admin.next(planFrame("completed"))).toMatchObject({ plan: { result: "All done." } });
    expect(
      (await memberSocket.next((f) => f.type === "message" && f.text === "All done.")).metadata,
    ).toMatchObject({
      planId: id,
      planStatus: "completed",
    });
    expect((await getPlan(tenant, id)).decidedBy).toEqual({ kind: "staff", id: tenant.user.id });
    // Sockets get step statuses, not what the tenant's API answered (that is in GET /api/plans/:id).
    expect(JSON.stringify(admin.frames)).not.toContain("42.5");
    expect((await getPlan(tenant, id)).steps[0]?.response?.body).toContain("42.5");

    admin.send({ type: "approve", planId: id });
    expect(await admin.next(isType("error"))).toMatchObject({ code: "conflict" });
    expect(await planning.api.requests()).toHaveLength(2);
  });

  it("lets a visitor reject a plan in their conversation over the WebSocket, but not approve it", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const chat = await visitorChat(tenant, planning.agent.id);
    // Widget conversations get plans from their room like any other; propose one through its RPC.
    const proposed = (await room(chat.conversationId).proposePlan({
      agentId: planning.agent.id,
      sessionId: null,
      request: "refund my order",
      summary: "I'll refund order 5.",
      requestedBy: { kind: "visitor", id: "v" },
      expiresAt: Date.now() + 60_000,
      steps: [
        {
          index: 1,
          actionId: planning.action.id,
          operation: "refund_order",
          method: "POST",
          path: "/orders/{orderId}/refund",
          arguments: { orderId: "5", body: { amount: 1 } },
          why: "",
          risk: "write",
          onFailure: "stop",
          autoRun: false,
        },
      ],
    })) as unknown as { ok: true; plan: PlanView };
    const id = proposed.plan.id;
    await chat.socket.next(planFrame("proposed"));

    chat.socket.send({ type: "approve", planId: id });
    expect(await chat.socket.next(isType("error"))).toMatchObject({ code: "forbidden" });
    chat.socket.send({ type: "reject", planId: id, reason: "wrong order" });
    const rejected = await chat.socket.next(planFrame("rejected"));
    expect(rejected.plan).toMatchObject({
      status: "rejected",
      rejectionReason: "wrong order",
      decidedBy: { kind: "visitor" },
    });
    // REST reads the plan's Postgres copy, which the room writes right after it announces the plan.
    await expect.poll(async () => (await getPlan(tenant, id)).status).toBe("rejected");
    expect(await planning.api.requests()).toEqual([]);
  });
});
