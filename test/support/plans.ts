import { env } from "cloudflare:workers";
import { createAgent, script, uniqueModel, useFakeProvider } from "./ai";
import { type CallOptions, call, callJson, type TestTenant, unique } from "./api";

/** A scripted answer of the fake downstream API (see test/support/node/fake-downstream.ts). */
export interface DownstreamScript {
  status?: number;
  json?: unknown;
  delayMs?: number;
  location?: string;
  bytes?: number;
  echoAuth?: boolean;
}

export interface DownstreamRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  contentType: string | null;
  body: unknown;
}

/** A fresh namespace of the fake downstream API: its base URL, scripts and recorded requests. */
export function downstream() {
  const ns = `ns-${unique()}`;
  const fake = env.FAKE_SERVICES_URL;
  return {
    ns,
    baseUrl: `${fake}/downstream/${ns}/api`,
    /** The same server under another host name (localhost vs 127.0.0.1): "another host". */
    otherHostUrl: (path: string) => `${fake.replace("127.0.0.1", "localhost")}/downstream/${ns}${path}`,
    script: async (routes: Record<string, DownstreamScript>) => {
      await fetch(`${fake}/_test/downstream/script`, {
        method: "POST",
        body: JSON.stringify({ ns, routes }),
      });
    },
    requests: async () =>
      (await (await fetch(`${fake}/_test/downstream/requests?ns=${ns}`)).json()) as DownstreamRequest[],
  };
}

/** An order API: read an order, refund it, email the customer, delete it. */
export function orderOperations() {
  return [
    {
      name: "get_order",
      description: "Look up an order",
      method: "GET",
      path: "/orders/{orderId}",
      parameters: [{ name: "orderId", in: "path", schema: { type: "string" } }],
      risk: "read",
    },
    {
      name: "refund_order",
      description: "Refund an order",
      method: "POST",
      path: "/orders/{orderId}/refund",
      parameters: [
        { name: "orderId", in: "path", schema: { type: "string" } },
        { name: "notify", in: "query", schema: { type: "boolean" } },
      ],
      body: {
        type: "object",
        properties: { amount: { type: "number", minimum: 0 }, reason: { type: "string" } },
        required: ["amount"],
        additionalProperties: false,
      },
      risk: "write",
    },
    {
      name: "email_customer",
      description: "Email a customer",
      method: "POST",
      path: "/emails",
      body: {
        type: "object",
        properties: { to: { type: "string" }, text: { type: "string" } },
        required: ["to", "text"],
      },
      risk: "write",
      onFailure: "continue",
    },
    {
      name: "delete_order",
      description: "Delete an order",
      method: "DELETE",
      path: "/orders/{orderId}",
      parameters: [{ name: "orderId", in: "path", schema: { type: "string" } }],
      risk: "approval_required",
    },
  ];
}

/** One planner tool call for the fake model's `tool_calls` script. */
export const toolCall = (name: string, args: Record<string, unknown>, why = `to ${name}`) => ({
  name,
  arguments: JSON.stringify({ ...args, _why: why }),
});

export interface Planning {
  model: string;
  agent: { id: string; name: string };
  action: { id: string };
  api: ReturnType<typeof downstream>;
}

/** A tenant whose agent talks to the fake model and may act on a fresh fake order API. */
export async function setupPlanning(
  tenant: TestTenant,
  action: Record<string, unknown> = {},
): Promise<Planning> {
  const model = uniqueModel();
  await useFakeProvider(tenant, model);
  const agent = await createAgent(tenant);
  const api = downstream();
  const created = await callJson<{ id: string }>(
    `/api/agents/${agent.id}/actions`,
    {
      token: tenant.accessToken,
      json: {
        name: "Orders API",
        baseUrl: api.baseUrl,
        token: "stored-downstream-token",
        operations: orderOperations(),
        ...action,
      },
    },
    201,
  );
  return { model, agent, action: created, api };
}

export interface PlanStepView {
  index: number;
  operation: string;
  status: string;
  arguments: Record<string, unknown>;
  request: { method: string; url: string; headers: Record<string, string>; body?: string } | null;
  response: { status: number; body: string; truncated: boolean; bytes: number } | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  autoRun: boolean;
}

export interface PlanView {
  id: string;
  conversationId: string;
  sessionId: string | null;
  status: string;
  request: string;
  summary: string;
  result: string | null;
  requestedBy: Record<string, unknown>;
  decidedBy: Record<string, unknown> | null;
  decidedAt: string | null;
  rejectionReason: string | null;
  edits: Record<string, unknown>[];
  expiresAt: string;
  steps: PlanStepView[];
}

export interface ChatResult {
  needsApproval: boolean;
  sessionId: string;
  conversationId: string;
  plan: PlanView | null;
  reply: string;
  messageId: string | null;
  issues?: { path: string; message: string }[];
}

/** Calls `POST /chat/completion` (as `tenant` unless `options` say otherwise). */
export function chat(tenant: TestTenant, json: Record<string, unknown>, options: CallOptions = {}) {
  return call("/chat/completion", {
    token: tenant.accessToken,
    json: { userId: "u-1", ...json },
    ...options,
  });
}

export async function chatJson(
  tenant: TestTenant,
  json: Record<string, unknown>,
  status = 200,
  options: CallOptions = {},
): Promise<ChatResult> {
  const response = await chat(tenant, json, options);
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`chat: expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as ChatResult;
}

/** Asks for a refund of order 1234 and gets a two-step plan (look up, then refund) back. */
export async function proposeRefund(tenant: TestTenant, planning: Planning, options: CallOptions = {}) {
  await script(planning.model, [
    {
      type: "tool_calls",
      text: "I'll look up order 1234 and refund its total.",
      calls: [
        toolCall("get_order", { orderId: "1234" }, "to find the amount paid"),
        toolCall("refund_order", {
          orderId: "1234",
          body: { amount: "{{steps.1.total}}", reason: "damaged" },
        }),
      ],
    },
  ]);
  await planning.api.script({ "GET /api/orders/1234": { json: { id: "1234", total: 42.5 } } });
  return chatJson(
    tenant,
    { agentId: planning.agent.id, messages: [{ role: "user", content: "Please refund order 1234" }] },
    200,
    options,
  );
}

export const getPlan = (tenant: TestTenant, id: string) =>
  callJson<PlanView>(`/api/plans/${id}`, { token: tenant.accessToken }, 200);
