import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { script } from "../../support/ai";
import { callJson, registerTenant, type TestTenant } from "../../support/api";
import { chatJson, type Planning, type PlanView, setupPlanning, toolCall } from "../../support/plans";

async function apiKey(tenant: TestTenant, name: string) {
  return (
    await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name, role: "TENANT_ADMIN" } },
      201,
    )
  ).key;
}

/** Proposes a one-step plan, approves it with `X-Api-Key` and `Authorization: Bearer <bearer>`, and returns what the tenant's API got. */
async function authorizationSent(tenant: TestTenant, planning: Planning, key: string, bearer: string) {
  await script(planning.model, [
    { type: "tool_calls", calls: [toolCall("get_order", { orderId: "1" })] },
    { type: "text", chunks: ["Done."] },
  ]);
  const proposed = await chatJson(tenant, { messages: [{ role: "user", content: "look up order 1" }] });
  const before = (await planning.api.requests()).length;
  const decided = await callJson<{ plan: PlanView }>(
    `/api/plans/${proposed.plan?.id}/approve`,
    { headers: { "X-Api-Key": key, Authorization: `Bearer ${bearer}` }, json: {} },
    200,
  );
  expect(decided.plan.status).toBe("completed");
  const sent = (await planning.api.requests()).slice(before);
  expect(sent).toHaveLength(1);
  return {
    authorization: sent[0]?.authorization,
    recorded: decided.plan.steps[0]?.request?.headers.Authorization,
  };
}

describe("the caller's Authorization for the tenant's API", () => {
  it("is forwarded when it is the caller's own token, even a JWT signed by someone else", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const key = await apiKey(tenant, "client");
    const customerJwt = await new SignJWT({ sub: "customer-1" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("the-tenant-s-own-secret-0123456789abcdef"));
    expect(await authorizationSent(tenant, planning, key, customerJwt)).toEqual({
      authorization: `Bearer ${customerJwt}`,
      recorded: "Bearer [redacted] (caller)",
    });
  });

  it("is never a Switchboard API key, any key: the action's stored token goes instead", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const key = await apiKey(tenant, "client");
    const stored = {
      authorization: "Bearer stored-downstream-token",
      recorded: "Bearer [redacted] (stored)",
    };
    expect(await authorizationSent(tenant, planning, key, await apiKey(tenant, "another"))).toEqual(stored);
    const otherTenant = await registerTenant();
    expect(await authorizationSent(tenant, planning, key, await apiKey(otherTenant, "foreign"))).toEqual(
      stored,
    );
    expect(await authorizationSent(tenant, planning, key, key)).toEqual(stored);
  });

  it("is never a token Switchboard issued (access, refresh, WebSocket ticket): the action's stored token goes instead", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const key = await apiKey(tenant, "client");
    const stored = {
      authorization: "Bearer stored-downstream-token",
      recorded: "Bearer [redacted] (stored)",
    };
    expect(await authorizationSent(tenant, planning, key, tenant.accessToken)).toEqual(stored);
    expect(await authorizationSent(tenant, planning, key, tenant.refreshToken)).toEqual(stored);
    const { ticket } = await callJson<{ ticket: string }>(
      "/api/inbox/ticket",
      { token: tenant.accessToken, method: "POST" },
      200,
    );
    expect(await authorizationSent(tenant, planning, key, ticket)).toEqual(stored);
  });
});
