import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { agentActions } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { createAgent, script } from "../../support/ai";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import { downstream, orderOperations, proposeRefund, setupPlanning } from "../../support/plans";

interface Action {
  id: string;
  name: string;
  baseUrl: string;
  tokenSet: boolean;
  timeoutSeconds: number;
  operations: {
    name: string;
    method: string;
    path: string;
    risk: string;
    onFailure: string;
    parameters: unknown[];
    body?: unknown;
  }[];
}

async function storedToken(id: string) {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    const [row] = await db
      .select({ token: agentActions.tokenEncrypted })
      .from(agentActions)
      .where(eq(agentActions.id, id));
    return row?.token ?? null;
  } finally {
    await close();
  }
}

const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Shop API", version: "1" },
  servers: [{ url: "/relative-is-ignored" }],
  paths: {
    "/orders/{orderId}": {
      parameters: [{ $ref: "#/components/parameters/OrderId" }],
      get: { operationId: "getOrder", summary: "Read an order" },
      delete: { operationId: "deleteOrder" },
    },
    "/orders/{orderId}/refunds": {
      parameters: [{ $ref: "#/components/parameters/OrderId" }],
      post: {
        operationId: "refundOrder",
        summary: "Refund",
        parameters: [
          { name: "notify", in: "query", schema: { type: "boolean" } },
          { name: "X-Trace", in: "header", schema: { type: "string" } },
        ],
        requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Refund" } } } },
      },
    },
    "/reports": { get: { operationId: "bigReport", "x-risk": "approval_required" } },
  },
  components: {
    parameters: { OrderId: { name: "orderId", in: "path", required: true, schema: { type: "string" } } },
    schemas: {
      Refund: { type: "object", properties: { amount: { type: "number" } }, required: ["amount"] },
    },
  },
};

describe("agent actions", () => {
  it("registers, lists, updates and deletes an agent's API; the token is stored encrypted and never returned", async () => {
    const tenant = await registerTenant();
    const agent = await createAgent(tenant);
    const api = downstream();
    const path = `/api/agents/${agent.id}/actions`;
    const created = await callJson<Action>(
      path,
      {
        token: tenant.accessToken,
        json: { name: "Orders", baseUrl: api.baseUrl, token: "tok-secret-1", operations: orderOperations() },
      },
      201,
    );
    expect(created).toMatchObject({
      name: "Orders",
      baseUrl: api.baseUrl,
      tokenSet: true,
      timeoutSeconds: 10,
    });
    expect(created.operations.map((o) => [o.name, o.risk, o.onFailure])).toEqual([
      ["get_order", "read", "stop"],
      ["refund_order", "write", "stop"],
      ["email_customer", "write", "continue"],
      ["delete_order", "approval_required", "stop"],
    ]);
    const sealed = await storedToken(created.id);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain("tok-secret-1");

    const list = await call(path, { token: tenant.accessToken });
    const listText = await list.text();
    expect(JSON.parse(listText).data.map((a: Action) => a.id)).toEqual([created.id]);
    expect(listText).not.toContain("tok-secret-1");
    expect(listText).not.toContain(sealed);

    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    expect((await call(path, { token: member.accessToken })).status).toBe(200);
    expect((await call(path, { token: member.accessToken, json: { name: "x" } })).status).toBe(403);

    const kept = await callJson<Action>(
      `${path}/${created.id}`,
      { method: "PUT", token: tenant.accessToken, json: { timeoutSeconds: 3 } },
      200,
    );
    expect(kept).toMatchObject({ tokenSet: true, timeoutSeconds: 3 });
    expect(await storedToken(created.id)).toBe(sealed);
    const cleared = await callJson<Action>(
      `${path}/${created.id}`,
      { method: "PUT", token: tenant.accessToken, json: { token: null } },
      200,
    );
    expect(cleared.tokenSet).toBe(false);

    expect(
      (await call(`${path}/${created.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(204);
    expect((await call(`${path}/${created.id}`, { token: tenant.accessToken })).status).toBe(404);
  });

  it("refuses operations whose paths, parameters or schemas do not add up, and duplicate operation names", async () => {
    const tenant = await registerTenant();
    const agent = await createAgent(tenant);
    const path = `/api/agents/${agent.id}/actions`;
    const { baseUrl } = downstream();
    const op = {
      name: "get_thing",
      method: "GET",
      path: "/things/{id}",
      parameters: [{ name: "id", in: "path" }],
      risk: "read",
    };
    const attempt = (operations: unknown[], extra: Record<string, unknown> = {}) =>
      call(path, {
        token: tenant.accessToken,
        json: { name: `api-${crypto.randomUUID()}`, baseUrl, operations, ...extra },
      });

    expect((await attempt([{ ...op, parameters: [] }])).status).toBe(400);
    expect(
      (await attempt([{ ...op, path: "/things", parameters: [{ name: "id", in: "path" }] }])).status,
    ).toBe(400);
    expect((await attempt([{ ...op, path: "//evil.test/things/{id}" }])).status).toBe(400);
    expect((await attempt([{ ...op, path: "https://evil.test/things/{id}" }])).status).toBe(400);
    expect(
      (await attempt([{ ...op, parameters: [{ name: "_why", in: "query" }], path: "/things" }])).status,
    ).toBe(400);
    expect((await attempt([{ ...op, risk: "sometimes" }])).status).toBe(400);
    expect((await attempt([op, op])).status).toBe(400);
    expect((await attempt([op], { baseUrl: "ftp://files.example.test" })).status).toBe(400);
    expect((await attempt([op], { baseUrl: "https://user:pw@api.example.test" })).status).toBe(400);

    expect((await attempt([op])).status).toBe(201);
    const clash = await attempt([op]);
    expect(clash.status).toBe(409);
    expect(await clash.text()).toContain("get_thing");
  });

  it("imports operations from an OpenAPI document, inlining $refs and choosing risks; re-importing replaces them", async () => {
    const tenant = await registerTenant();
    const agent = await createAgent(tenant);
    const path = `/api/agents/${agent.id}/actions/import`;
    const { baseUrl } = downstream();
    expect(
      (await call(path, { token: tenant.accessToken, json: { document: openApiDocument } })).status,
    ).toBe(400);
    expect(
      (await call(path, { token: tenant.accessToken, json: { baseUrl, document: { swagger: "2.0" } } }))
        .status,
    ).toBe(400);

    const imported = await callJson<Action>(
      path,
      { token: tenant.accessToken, json: { baseUrl, token: "t", document: openApiDocument } },
      201,
    );
    expect(imported).toMatchObject({ name: "Shop API", baseUrl, tokenSet: true });
    expect(imported.operations.map((o) => [o.name, o.method, o.path, o.risk])).toEqual([
      ["getOrder", "GET", "/orders/{orderId}", "read"],
      ["deleteOrder", "DELETE", "/orders/{orderId}", "approval_required"],
      ["refundOrder", "POST", "/orders/{orderId}/refunds", "write"],
      ["bigReport", "GET", "/reports", "approval_required"],
    ]);
    const refund = imported.operations[2];
    expect(refund?.parameters).toEqual([
      { name: "orderId", in: "path", required: true, schema: { type: "string" } },
      { name: "notify", in: "query", required: false, schema: { type: "boolean" } },
    ]);
    expect(refund?.body).toEqual({
      type: "object",
      properties: { amount: { type: "number" } },
      required: ["amount"],
    });

    const smaller = { ...openApiDocument, paths: { "/reports": openApiDocument.paths["/reports"] } };
    const again = await callJson<Action>(
      path,
      { token: tenant.accessToken, json: { baseUrl, document: smaller } },
      200,
    );
    expect(again.id).toBe(imported.id);
    expect(again.operations.map((o) => o.name)).toEqual(["bigReport"]);
    expect(again.tokenSet).toBe(true);
  });

  it("fails a proposed step whose action was deleted before approval", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const proposed = await proposeRefund(tenant, planning);
    await callJson(
      `/api/agents/${planning.agent.id}/actions/${planning.action.id}`,
      { method: "DELETE", token: tenant.accessToken },
      204,
    );
    await script(planning.model, [{ type: "text", chunks: ["Nothing could be done."] }]);
    const decided = await callJson<{
      plan: { status: string; steps: { status: string; error: string | null }[] };
    }>(`/api/plans/${proposed.plan?.id}/approve`, { token: tenant.accessToken, json: {} }, 200);
    expect(decided.plan.status).toBe("failed");
    expect(decided.plan.steps.map((s) => [s.status, s.error])).toEqual([
      ["failed", "The operation no longer exists as proposed"],
      ["skipped", null],
    ]);
    expect(await planning.api.requests()).toEqual([]);
  });
});
