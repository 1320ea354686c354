import { describe, expect, it } from "vitest";
import { callDownstream, downstreamUrl, MAX_RESPONSE_BYTES } from "../../../src/features/actions/downstream";
import { requestParts } from "../../../src/features/plans/executor";
import { requestsFor, script } from "../../support/ai";
import { call, callJson, registerTenant, type TestTenant } from "../../support/api";
import {
  chatJson,
  getPlan,
  type Planning,
  type PlanView,
  setupPlanning,
  toolCall,
} from "../../support/plans";

const base = {
  method: "GET",
  query: {},
  authorization: "Bearer secret-token",
  authorizationSource: "stored" as const,
  timeoutMs: 1000,
};

/** Proposes a plan of the given tool calls, approves it over REST and returns it after it ran. */
async function runPlan(
  tenant: TestTenant,
  planning: Planning,
  calls: ReturnType<typeof toolCall>[],
  verifier = "Summary.",
) {
  await script(planning.model, [
    { type: "tool_calls", calls },
    { type: "text", chunks: [verifier] },
  ]);
  const proposed = await chatJson(tenant, { messages: [{ role: "user", content: "do the thing" }] });
  const decided = await callJson<{ plan: PlanView; reply: { text: string } }>(
    `/api/plans/${proposed.plan?.id}/approve`,
    { token: tenant.accessToken, json: {} },
    200,
  );
  return decided;
}

describe("outbound calls to a tenant's API", () => {
  it("refuses private, loopback and link-local addresses unless allowed", async () => {
    for (const baseUrl of [
      "http://127.0.0.1:8080/api",
      "http://localhost/api",
      "http://10.1.2.3/api",
      "http://192.168.0.10/api",
      "http://169.254.169.254/latest",
      "http://[::1]/api",
      "http://2130706433/api",
      "http://0x7f.0.0.1/api",
      "http://metadata.internal/api",
    ]) {
      await expect(
        callDownstream({ ...base, baseUrl, path: "/x", allowPrivate: false }),
        baseUrl,
      ).rejects.toThrow(/private or loopback/);
    }
    expect(
      downstreamUrl({
        baseUrl: "https://api.shop.test/v1",
        path: "/orders/1",
        query: { a: "b" },
        allowPrivate: false,
      }).toString(),
    ).toBe("https://api.shop.test/v1/orders/1?a=b");
  });

  it("never builds a URL outside the base URL, whatever the path or its arguments", () => {
    const url = (path: string) =>
      downstreamUrl({ baseUrl: "https://api.shop.test/v1", path, query: {}, allowPrivate: false });
    expect(() => url("//evil.test/steal")).toThrow(/single \//);
    expect(() => url("/../admin")).toThrow(/leave the action's base URL/);
    expect(() => url("/%2e%2e/%2e%2e/admin")).toThrow(/leave the action's base URL/);
    const op = {
      name: "get",
      description: "",
      method: "GET" as const,
      path: "/files/{a}/{b}",
      parameters: [],
      risk: "read" as const,
      onFailure: "stop" as const,
    };
    // Slashes in arguments are encoded, so one argument is always one segment…
    expect(url(requestParts(op, { a: "../../admin", b: "x" }).path).pathname).toBe(
      "/v1/files/..%2F..%2Fadmin/x",
    );
    expect(url(requestParts(op, { a: "@evil.test", b: "x" }).path).host).toBe("api.shop.test");
    // …and dot segments that climb out are refused.
    expect(() => url(requestParts(op, { a: "..", b: ".." }).path)).toThrow(/leave the action's base URL/);
  });

  it("refuses a redirect to another host and stops the plan; one that stays below the base URL is followed", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await planning.api.script({
      "GET /api/orders/1": { status: 302, location: planning.api.otherHostUrl("/api/orders/stolen") },
      "GET /api/orders/2": { status: 307, location: `/downstream/${planning.api.ns}/api/orders/3` },
      "GET /api/orders/3": { json: { id: "3" } },
    });
    const away = await runPlan(tenant, planning, [
      toolCall("get_order", { orderId: "1" }),
      toolCall("get_order", { orderId: "2" }),
    ]);
    expect(away.plan.status).toBe("failed");
    expect(away.plan.steps.map((s) => s.status)).toEqual(["failed", "skipped"]);
    expect(away.plan.steps[0]?.error).toMatch(/redirect away from the action's base URL \(to localhost:/);
    expect((await planning.api.requests()).map((r) => r.path)).toEqual(["/api/orders/1"]);

    const inside = await runPlan(tenant, planning, [toolCall("get_order", { orderId: "2" })]);
    expect(inside.plan.status).toBe("completed");
    expect(inside.plan.steps[0]?.response?.body).toBe('{"id":"3"}');
    expect((await planning.api.requests()).map((r) => r.path).slice(1)).toEqual([
      "/api/orders/2",
      "/api/orders/3",
    ]);
  });

  it("refuses an argument that climbs out of the base URL", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const file = {
      name: "get_file",
      method: "GET",
      path: "/files/{a}/{b}",
      parameters: [
        { name: "a", in: "path", schema: { type: "string" } },
        { name: "b", in: "path", schema: { type: "string" } },
      ],
      risk: "read",
    };
    await callJson(
      `/api/agents/${planning.agent.id}/actions`,
      {
        token: tenant.accessToken,
        json: { name: "Files", baseUrl: planning.api.baseUrl, operations: [file] },
      },
      201,
    );
    const ran = await runPlan(tenant, planning, [toolCall("get_file", { a: "..", b: ".." })]);
    expect(ran.plan.steps[0]).toMatchObject({
      status: "failed",
      error: "The request would leave the action's base URL",
    });
    expect(await planning.api.requests()).toEqual([]);
  });

  it("times out a slow API; the plan stops there and the user hears what happened even when the verifier fails", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant, { timeoutSeconds: 1 });
    await planning.api.script({ "GET /api/orders/1": { delayMs: 2500, json: { id: "1" } } });
    await script(planning.model, [
      {
        type: "tool_calls",
        calls: [
          toolCall("get_order", { orderId: "1" }),
          toolCall("refund_order", { orderId: "1", body: { amount: 1 } }),
        ],
      },
      { type: "error", status: 500, message: "boom" },
    ]);
    const proposed = await chatJson(tenant, { messages: [{ role: "user", content: "refund order 1" }] });
    const decided = await callJson<{ plan: PlanView; reply: { text: string } }>(
      `/api/plans/${proposed.plan?.id}/approve`,
      { token: tenant.accessToken, json: {} },
      200,
    );
    expect(decided.plan.status).toBe("failed");
    expect(decided.plan.steps.map((s) => [s.status, s.error])).toEqual([
      ["failed", "No response within 1000 ms"],
      ["skipped", null],
    ]);
    expect(decided.plan.steps[0]?.durationMs).toBeGreaterThanOrEqual(1000);
    expect(decided.reply.text).toContain("0 of 2 steps succeeded; the plan stopped at a failure");
    expect(decided.reply.text).toContain("get_order: failed (No response within 1000 ms)");
  }, 20_000);

  it("refuses a response over the size cap and records a truncated one", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await planning.api.script({
      "GET /api/orders/big": { bytes: MAX_RESPONSE_BYTES + 1 },
      "GET /api/orders/long": { json: { notes: "n".repeat(10_000) } },
    });
    const big = await runPlan(tenant, planning, [toolCall("get_order", { orderId: "big" })]);
    expect(big.plan.steps[0]).toMatchObject({
      status: "failed",
      error: `The response is larger than ${MAX_RESPONSE_BYTES} bytes`,
    });
    const long = await runPlan(tenant, planning, [toolCall("get_order", { orderId: "long" })]);
    expect(long.plan.steps[0]?.response).toMatchObject({ status: 200, truncated: true, bytes: 10_012 });
    expect(long.plan.steps[0]?.response?.body).toHaveLength(4000);
  });

  it("continues past a failing step whose operation says continue, and reports partial success", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await planning.api.script({ "POST /api/emails": { status: 500, json: { error: "smtp down" } } });
    const ran = await runPlan(tenant, planning, [
      toolCall("email_customer", { body: { to: "ann@example.test", text: "hi" } }),
      toolCall("get_order", { orderId: "5" }),
    ]);
    expect(ran.plan.status).toBe("completed_with_errors");
    expect(ran.plan.steps.map((s) => [s.status, s.error])).toEqual([
      ["failed", "The API answered HTTP 500"],
      ["succeeded", null],
    ]);
    expect(ran.plan.steps[0]?.response?.body).toBe('{"error":"smtp down"}');
    const verifier = (await requestsFor(planning.model)).at(-1);
    expect(verifier?.body.messages.at(-1)?.content).toContain("smtp down");
  });

  it("keeps the token out of the plan, messages and verifier even when the API echoes it", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await planning.api.script({ "GET /api/orders/1": { echoAuth: true, json: { id: "1" } } });
    const ran = await runPlan(tenant, planning, [toolCall("get_order", { orderId: "1" })]);
    expect((await planning.api.requests())[0]?.authorization).toBe("Bearer stored-downstream-token");
    expect(ran.plan.steps[0]?.response?.body).toBe('{"id":"1","authorization":"Bearer [redacted]"}');
    const stored = await getPlan(tenant, ran.plan.id);
    const messages = await call(`/api/conversations/${stored.conversationId}/messages`, {
      token: tenant.accessToken,
    });
    const verifier = await requestsFor(planning.model);
    for (const text of [JSON.stringify(stored), await messages.text(), JSON.stringify(verifier)]) {
      expect(text).not.toContain("stored-downstream-token");
    }
  });
});
