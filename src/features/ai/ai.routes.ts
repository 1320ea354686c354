import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { aiUsage, type ModelSettings } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { uuidv7 } from "../../lib/ids";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { providerFailure } from "../../providers/ai-chat";
import { assertOutboundUrl } from "../../providers/outbound";
import { featureRoutes } from "../auth/api-route";
import {
  agentView,
  createAgent,
  deleteAgent,
  getAiConfig,
  listAgents,
  loadAgent,
  putAiConfig,
  updateAgent,
} from "./agents.service";
import {
  AgentSchema,
  AiConfigSchema,
  CreateAgentBody,
  PutAiConfigBody,
  TestBody,
  TestResultSchema,
  UpdateAgentBody,
} from "./ai.schemas";
import { type Answer, generateAnswer, loadAgentContext } from "./answer";
import { trainAgent } from "./train";

const tags = ["AI agents"];
const route = featureRoutes(tags);

/** A tenant-given provider URL must pass the outbound (SSRF) rules when it is saved, not only when called. */
function checkModel(c: Context<AppEnv>, model: ModelSettings | null | undefined) {
  if (model?.baseUrl) assertOutboundUrl(model.baseUrl, c.var.config.ALLOW_PRIVATE_OUTBOUND, "model.baseUrl");
}

/** Runs one answer without a conversation and records its usage. */
async function testAnswer(c: Context<AppEnv>, agentId: string | null, message: string) {
  const { db, config, principal } = c.var;
  const ctx = await loadAgentContext({ db, config }, principal.tenantId, agentId);
  const answer: Answer = await generateAnswer({ db, config }, ctx, [
    { sender: "visitor", text: message },
  ]).catch((error: unknown) => {
    throw providerFailure(error);
  });
  if (answer.usage)
    await db.insert(aiUsage).values({ id: uuidv7(), tenantId: principal.tenantId, agentId, ...answer.usage });
  return {
    mode: answer.mode,
    reply: answer.text,
    handoff: answer.handoff,
    citations: answer.citations,
    passages: answer.passages.map(({ chunkId: _chunk, ...p }) => p),
    usage: answer.usage,
  };
}

export const agentRoutes = createRouter()
  .openapi(
    route("agents:read", {
      method: "get",
      path: "/",
      summary: "List agents",
      responses: { 200: json(z.object({ data: z.array(AgentSchema) }), "Agents") },
    }),
    async (c) => c.json({ data: await listAgents(c.var.db, c.var.principal.tenantId) }, 200),
  )
  .openapi(
    route("agents:manage", {
      method: "post",
      path: "/",
      summary: "Create an agent",
      request: jsonBody(CreateAgentBody),
      errors: [400],
      responses: { 201: json(AgentSchema, "Created") },
    }),
    async (c) => {
      const input = c.req.valid("json");
      checkModel(c, input.model);
      return c.json(await createAgent(c.var.db, c.var.principal.tenantId, input), 201);
    },
  )
  .openapi(
    route("agents:read", {
      method: "get",
      path: "/{id}",
      summary: "Get an agent",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(AgentSchema, "The agent") },
    }),
    async (c) =>
      c.json(agentView(await loadAgent(c.var.db, c.var.principal.tenantId, c.req.valid("param").id)), 200),
  )
  .openapi(
    route("agents:manage", {
      method: "put",
      path: "/{id}",
      summary: "Update an agent",
      request: { params: IdParams, ...jsonBody(UpdateAgentBody) },
      errors: [400, 404],
      responses: { 200: json(AgentSchema, "Updated") },
    }),
    async (c) => {
      const input = c.req.valid("json");
      checkModel(c, input.model);
      return c.json(
        await updateAgent(c.var.db, c.var.principal.tenantId, c.req.valid("param").id, input),
        200,
      );
    },
  )
  .openapi(
    route("agents:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Delete an agent",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteAgent(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("agents:manage", {
      method: "post",
      path: "/{id}/test",
      summary: "Ask the agent something without a conversation: the reply and the passages it used",
      request: { params: IdParams, ...jsonBody(TestBody) },
      errors: [400, 404, 429, 502, 503, 504],
      responses: {
        200: json(TestResultSchema, "The answer"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadAgent(c.var.db, c.var.principal.tenantId, id);
      return c.json(await testAnswer(c, id, c.req.valid("json").message), 200);
    },
  )
  .openapi(
    route("agents:manage", {
      method: "post",
      path: "/{id}/train",
      summary: "Re-index the documents of the agent's collections",
      request: { params: IdParams },
      errors: [400, 404],
      responses: {
        202: json(z.object({ queued: z.number().int() }), "Documents queued for processing"),
      },
    }),
    async (c) => c.json({ queued: await trainAgent(c, c.req.valid("param").id) }, 202),
  );

export const aiConfigRoutes = createRouter()
  .openapi(
    route("agents:read", {
      method: "get",
      path: "/config",
      summary: "The tenant's AI defaults",
      responses: { 200: json(AiConfigSchema, "AI settings") },
    }),
    async (c) => c.json(await getAiConfig(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    route("agents:manage", {
      method: "put",
      path: "/config",
      summary: "Set the tenant's AI defaults and provider key (stored encrypted, never returned)",
      request: jsonBody(PutAiConfigBody),
      errors: [400],
      responses: { 200: json(AiConfigSchema, "Saved") },
    }),
    async (c) => {
      const input = c.req.valid("json");
      checkModel(c, input.defaultModel);
      return c.json(
        await putAiConfig(c.var.db, c.var.principal.tenantId, c.var.config.ENCRYPTION_KEY, input),
        200,
      );
    },
  )
  .openapi(
    route("agents:manage", {
      method: "post",
      path: "/test",
      summary: "Ask the tenant's default assistant something without a conversation",
      request: jsonBody(TestBody),
      errors: [400, 429, 502, 503, 504],
      responses: {
        200: json(TestResultSchema, "The answer"),
      },
    }),
    async (c) => c.json(await testAnswer(c, null, c.req.valid("json").message), 200),
  );
