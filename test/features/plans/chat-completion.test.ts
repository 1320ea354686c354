import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { chatPlans } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { requestsFor, room, script } from "../../support/ai";
import { addUser, callJson, registerTenant } from "../../support/api";
import {
  chat,
  chatJson,
  getPlan,
  type PlanView,
  proposeRefund,
  setupPlanning,
  toolCall,
} from "../../support/plans";

interface Message {
  id: string;
  text: string;
  sender: { kind: string; id: string };
  metadata: Record<string, unknown>;
}

async function adminKey(tenant: { accessToken: string }) {
  return (
    await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "chat client", role: "TENANT_ADMIN" } },
      201,
    )
  ).key;
}

describe("POST /chat/completion", () => {
  it("proposes a plan, runs it once approved with the caller's Authorization, and summarises it", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const key = await adminKey(tenant);
    const asClient = {
      token: undefined,
      headers: { "X-Api-Key": key, Authorization: "Bearer customer-jwt-123" },
    };

    const first = await proposeRefund(tenant, planning, asClient);
    expect(first).toMatchObject({
      needsApproval: true,
      sessionId: expect.any(String),
      conversationId: expect.any(String),
    });
    expect(first.plan).toMatchObject({
      status: "pending",
      request: "Please refund order 1234",
      summary: "I'll look up order 1234 and refund its total.",
      sessionId: first.sessionId,
      conversationId: first.conversationId,
      requestedBy: { kind: "api_key", userId: "u-1" },
    });
    expect(first.plan?.steps.map((s) => [s.index, s.operation, s.status, s.autoRun])).toEqual([
      [1, "get_order", "pending", false],
      [2, "refund_order", "pending", false],
    ]);
    expect(first.reply).toContain("refund_order");
    // Nothing ran yet.
    expect(await planning.api.requests()).toEqual([]);

    // The planner saw the operations as tools and was told how plans work.
    const [planner] = await requestsFor(planning.model);
    expect(planner?.body.tools?.map((t) => t.function.name)).toEqual([
      "get_order",
      "refund_order",
      "email_customer",
      "delete_order",
    ]);
    expect(planner?.body.messages[0]?.content).toContain("{{steps.N.field}}");
    expect(planner?.body.messages.at(-1)).toEqual({ role: "user", content: "Please refund order 1234" });

    await script(planning.model, [{ type: "text", chunks: ["Order 1234 was refunded: 42.50."] }]);
    const second = await chatJson(
      tenant,
      { sessionId: first.sessionId, isApproval: true, messages: [] },
      200,
      asClient,
    );
    expect(second).toMatchObject({
      needsApproval: false,
      sessionId: first.sessionId,
      conversationId: first.conversationId,
      reply: "Order 1234 was refunded: 42.50.",
    });
    expect(second.plan).toMatchObject({ id: first.plan?.id, status: "completed", result: second.reply });

    // The downstream API got both calls in order, the second fed by the first's response, with the caller's token.
    const calls = await planning.api.requests();
    expect(calls.map((c) => [c.method, c.path, c.authorization])).toEqual([
      ["GET", "/api/orders/1234", "Bearer customer-jwt-123"],
      ["POST", "/api/orders/1234/refund", "Bearer customer-jwt-123"],
    ]);
    expect(calls[1]?.body).toEqual({ amount: 42.5, reason: "damaged" });
    expect(calls[1]?.contentType).toBe("application/json");

    // Each step's request, response and timing is kept (the token never is).
    const stored = await getPlan(tenant, first.plan?.id ?? "");
    expect(stored.status).toBe("completed");
    expect(stored.decidedBy).toMatchObject({ kind: "api_key", userId: "u-1" });
    for (const step of stored.steps) {
      expect(step.status).toBe("succeeded");
      expect(Date.parse(step.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(step.startedAt ?? ""));
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
      expect(step.request?.headers.Authorization).toBe("Bearer [redacted] (caller)");
      expect(step.response?.status).toBe(200);
    }
    expect(stored.steps[1]?.request?.body).toBe('{"amount":42.5,"reason":"damaged"}');
    expect(JSON.stringify(stored)).not.toContain("customer-jwt-123");

    // The verifier summarised the real results.
    const verifier = (await requestsFor(planning.model))[1];
    expect(verifier?.body.messages.at(-1)?.content).toContain('"total":42.5');
    expect(JSON.stringify(verifier)).not.toContain("customer-jwt-123");

    // Everything is in the conversation.
    const history = await callJson<{ data: Message[] }>(
      `/api/conversations/${first.conversationId}/messages`,
      { token: tenant.accessToken },
      200,
    );
    expect(history.data.map((m) => m.sender.kind)).toEqual(["visitor", "ai", "ai"]);
    expect(history.data[0]).toMatchObject({ text: "Please refund order 1234", sender: { id: "u-1" } });
    expect(history.data[1]?.metadata).toMatchObject({ planId: first.plan?.id, plan: "proposed" });
    expect(history.data[2]).toMatchObject({ id: second.messageId, text: second.reply });
    expect(JSON.stringify(history)).not.toContain("customer-jwt-123");

    // And the audit trail lists it for the conversation.
    const list = await callJson<{ data: PlanView[] }>(
      `/api/plans?conversationId=${first.conversationId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(list.data.map((p) => [p.id, p.status])).toEqual([[first.plan?.id, "completed"]]);

    // Approving again runs nothing again.
    const again = await chat(
      tenant,
      { sessionId: first.sessionId, isApproval: true, messages: [] },
      asClient,
    );
    expect(again.status).toBe(409);
    expect(await planning.api.requests()).toHaveLength(2);
  });

  it("uses the action's stored token when the caller authenticates with Authorization, and never forwards Switchboard's", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    await script(planning.model, [{ type: "text", chunks: ["Done."] }]);
    const second = await chatJson(tenant, {
      sessionId: first.sessionId,
      messages: [{ role: "user", content: "Yes, go ahead!" }],
    });
    expect(second.plan?.status).toBe("completed");
    const calls = await planning.api.requests();
    expect(calls.map((c) => c.authorization)).toEqual([
      "Bearer stored-downstream-token",
      "Bearer stored-downstream-token",
    ]);
    expect(JSON.stringify(calls)).not.toContain(tenant.accessToken);
    const plan = await getPlan(tenant, second.plan?.id ?? "");
    expect(plan.steps[0]?.request?.headers.Authorization).toBe("Bearer [redacted] (stored)");
    expect(JSON.stringify(plan)).not.toContain("stored-downstream-token");
  });

  it("answers directly when no action is needed, and keeps the session's conversation", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [
      { type: "text", chunks: ["We ship in 2 days."] },
      { type: "text", chunks: ["You're welcome."] },
    ]);
    const first = await chatJson(tenant, {
      messages: [{ role: "user", content: "How fast do you ship?" }],
      customerUserId: "crm-77",
    });
    expect(first).toMatchObject({ needsApproval: false, plan: null, reply: "We ship in 2 days." });
    const second = await chatJson(tenant, {
      sessionId: first.sessionId,
      messages: [
        { role: "user", content: "How fast do you ship?" },
        { role: "assistant", content: "We ship in 2 days." },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(second.conversationId).toBe(first.conversationId);
    const history = await callJson<{ data: Message[] }>(
      `/api/conversations/${first.conversationId}/messages`,
      { token: tenant.accessToken },
      200,
    );
    expect(history.data.map((m) => [m.sender.kind, m.text])).toEqual([
      ["visitor", "How fast do you ship?"],
      ["ai", "We ship in 2 days."],
      ["visitor", "Thanks"],
      ["ai", "You're welcome."],
    ]);
    // The model saw the whole session, not only the last turn.
    const secondRequest = (await requestsFor(planning.model))[1];
    expect(secondRequest?.body.messages.slice(-3).map((m) => m.content)).toEqual([
      "How fast do you ship?",
      "We ship in 2 days.",
      "Thanks",
    ]);
    await runDurableObjectAlarm(room(first.conversationId));
    const conversation = await callJson<{ customerUserId: string; channel: string }>(
      `/api/conversations/${first.conversationId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(conversation).toMatchObject({ customerUserId: "crm-77", channel: "api" });
  });

  it("rejects the pending plan when the user says cancel, and nothing runs", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    const second = await chatJson(tenant, {
      sessionId: first.sessionId,
      messages: [{ role: "user", content: "cancel that please" }],
    });
    expect(second).toMatchObject({
      needsApproval: false,
      plan: { status: "rejected", rejectionReason: "cancel that please" },
    });
    expect(second.reply).toMatch(/cancelled/);
    expect(await planning.api.requests()).toEqual([]);
    const plan = await getPlan(tenant, first.plan?.id ?? "");
    expect(plan).toMatchObject({ status: "rejected", decidedBy: { kind: "user", id: tenant.user.id } });
    expect(plan.steps.map((s) => s.status)).toEqual(["skipped", "skipped"]);
  });

  it("refuses approval (403) to a user without approval rights, who may still ask", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const asMember = { ...tenant, accessToken: member.accessToken };
    const first = await proposeRefund(asMember, planning);
    expect(first.needsApproval).toBe(true);
    const denied = await chat(asMember, { sessionId: first.sessionId, isApproval: true, messages: [] });
    expect(denied.status).toBe(403);
    const byWords = await chat(asMember, {
      sessionId: first.sessionId,
      messages: [{ role: "user", content: "approve" }],
    });
    expect(byWords.status).toBe(403);
    const viaRest = await callJson<{ error: { code: string } }>(
      `/api/plans/${first.plan?.id}/approve`,
      { token: member.accessToken, json: {} },
      403,
    );
    expect(viaRest.error.code).toBe("forbidden");
    expect(await planning.api.requests()).toEqual([]);
    expect((await getPlan(tenant, first.plan?.id ?? "")).status).toBe("pending");
  });

  it("runs a read-only plan at once when the tenant's policy auto-runs reads", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await callJson(
      "/api/plans/settings",
      { method: "PUT", token: tenant.accessToken, json: { autoRun: "read" } },
      200,
    );
    await script(planning.model, [
      { type: "tool_calls", text: "Looking it up.", calls: [toolCall("get_order", { orderId: "77" })] },
      { type: "text", chunks: ["Order 77 is paid."] },
    ]);
    const result = await chatJson(tenant, { messages: [{ role: "user", content: "Status of order 77?" }] });
    expect(result).toMatchObject({ needsApproval: false, reply: "Order 77 is paid." });
    expect(result.plan).toMatchObject({
      status: "completed",
      decidedBy: { kind: "policy", id: "auto-run:read" },
    });
    expect(result.plan?.steps[0]?.autoRun).toBe(true);
    expect((await planning.api.requests()).map((r) => r.path)).toEqual(["/api/orders/77"]);

    // A write still waits.
    await script(planning.model, [
      { type: "tool_calls", calls: [toolCall("refund_order", { orderId: "77", body: { amount: 5 } })] },
    ]);
    const write = await chatJson(tenant, {
      sessionId: result.sessionId,
      messages: [{ role: "user", content: "Refund 5 on it" }],
    });
    expect(write).toMatchObject({ needsApproval: true, plan: { status: "pending" } });
  });

  it("does not propose a plan the operations' schemas refuse", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [
      {
        type: "tool_calls",
        calls: [
          toolCall("refund_order", { orderId: "1", body: { amount: "lots" } }),
          toolCall("wire_money", { to: "me" }),
        ],
      },
    ]);
    const result = await chatJson(tenant, { messages: [{ role: "user", content: "Refund order 1" }] });
    expect(result).toMatchObject({ needsApproval: false, plan: null });
    expect(result.issues?.map((i) => i.path)).toEqual(["steps.2", "steps.1.arguments.body.amount"]);
    const plans = await callJson<{ data: unknown[] }>(
      `/api/plans?conversationId=${result.conversationId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(plans.data).toEqual([]);
  });

  it("says 409 when asked to approve with nothing pending", async () => {
    const tenant = await registerTenant();
    await setupPlanning(tenant);
    const response = await chat(tenant, { isApproval: true, messages: [] });
    expect(response.status).toBe(409);
  });

  it("finds the session's pending plan in its room, even when the Postgres copy lags behind", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const first = await proposeRefund(tenant, planning);
    const planId = first.plan?.id ?? "";
    // The mirror says otherwise (a copy retried later would): the room holds the truth.
    const { db, close } = openDatabase(loadConfig(env));
    try {
      await db.update(chatPlans).set({ status: "expired" }).where(eq(chatPlans.id, planId));
    } finally {
      await close();
    }
    await script(planning.model, [{ type: "text", chunks: ["Refunded."] }]);
    const decided = await chatJson(tenant, { sessionId: first.sessionId, isApproval: true, messages: [] });
    expect(decided.plan).toMatchObject({ id: planId, status: "completed" });
  });
});
