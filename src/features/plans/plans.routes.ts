import { createRoute, z } from "@hono/zod-openapi";
import { eq, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { chatPlans, type PlanActor } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { text } from "../../lib/text";
import { featureRoutes } from "../auth/api-route";
import { authorizeCaller, downstreamAuthorization } from "./caller-auth";
import { type PlanEdit, planView } from "./plan-types";
import {
  ApproveBody,
  ListPlansQuery,
  PlanSchema,
  PlanSettingsSchema,
  PutPlanSettingsBody,
  RejectBody,
} from "./plans.schemas";
import {
  approvePlan,
  findPlan,
  getPlanSettings,
  listPlans,
  putPlanSettings,
  rejectPlan,
} from "./plans.service";

const tags = ["Plans"];
const route = featureRoutes(tags);
/** Deciding routes also take an API key in X-Api-Key, so Authorization can carry the caller's own token. */
const callerSecurity = [...bearerSecurity, { apiKeyHeader: [] }];
/** An optional JSON body (approve and reject work without one). */
const optionalBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: false },
});
const decide = authorizeCaller("plans:approve");

const deps = (c: Context<AppEnv>) => ({ db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId });
const actor = (c: Context<AppEnv>): PlanActor => ({ kind: c.var.principal.kind, id: c.var.principal.id });

const Decision = z
  .object({
    plan: PlanSchema,
    reply: z.object({ id: z.uuid(), text: text() }).nullable().openapi({
      description: "The message the conversation got (the verifier's summary, or the cancellation)",
    }),
  })
  .openapi("PlanDecision");

/** Plans: audit, tenant policy, approval and rejection. Mounted at /api/plans. */
export const planRoutes = createRouter()
  .openapi(
    route("plans:read", {
      method: "get",
      path: "/",
      summary: "Plans with their steps, newest first (audit: who asked, who decided, edits, timings)",
      request: { query: ListPlansQuery },
      errors: [400],
      responses: {
        200: json(z.object({ data: z.array(PlanSchema) }), "Plans"),
      },
    }),
    async (c) => {
      const { conversationId, sessionId, status, limit } = c.req.valid("query");
      const where: SQL[] = [];
      if (conversationId) where.push(eq(chatPlans.conversationId, conversationId));
      if (sessionId) where.push(eq(chatPlans.sessionId, sessionId));
      if (status) where.push(eq(chatPlans.status, status));
      const plans = await listPlans(c.var.db, c.var.principal.tenantId, { where, limit });
      return c.json({ data: plans.map(planView) }, 200);
    },
  )
  .openapi(
    route("plans:read", {
      method: "get",
      path: "/settings",
      summary: "The tenant's plan policy: what may run without approval, how long plans wait",
      responses: { 200: json(PlanSettingsSchema, "Settings") },
    }),
    async (c) => c.json(await getPlanSettings(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    route("actions:manage", {
      method: "put",
      path: "/settings",
      summary: "Change the tenant's plan policy",
      request: jsonBody(PutPlanSettingsBody),
      errors: [400, 404],
      responses: { 200: json(PlanSettingsSchema, "Saved") },
    }),
    async (c) => c.json(await putPlanSettings(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 200),
  )
  .openapi(
    route("plans:read", {
      method: "get",
      path: "/{id}",
      summary: "A plan with its steps: requests, responses (truncated), statuses and timings",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(PlanSchema, "The plan") },
    }),
    async (c) =>
      c.json(planView(await findPlan(c.var.db, c.var.principal.tenantId, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/approve",
      tags,
      security: callerSecurity,
      middleware: decide,
      summary: "Approve a pending plan (optionally with edits) and run it; answers when it has run",
      description:
        "Runs once: a second approval gets 409, an expired plan 410. The tenant's API gets the caller's `Authorization` when the caller authenticates with `X-Api-Key`, else the action's stored token.",
      request: { params: IdParams, ...optionalBody(ApproveBody) },
      responses: {
        200: json(Decision, "The plan after it ran"),
        ...errors(400, 404, 409, 410, ...authErrors),
      },
    }),
    async (c) => {
      const outcome = await approvePlan(deps(c), c.req.valid("param").id, actor(c), {
        // Without a body the validator is skipped, so defaults are not applied.
        edits: (c.req.valid("json") as { edits?: PlanEdit[] }).edits ?? [],
        authorization: await downstreamAuthorization(c),
      });
      return c.json({ plan: outcome.plan, reply: outcome.reply }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/reject",
      tags,
      security: callerSecurity,
      middleware: decide,
      summary: "Reject a pending plan, with a reason; nothing runs",
      request: { params: IdParams, ...optionalBody(RejectBody) },
      responses: { 200: json(Decision, "The rejected plan"), ...errors(400, 404, 409, 410, ...authErrors) },
    }),
    async (c) => {
      const { reason } = c.req.valid("json") as { reason?: string };
      const outcome = await rejectPlan(deps(c), c.req.valid("param").id, actor(c), reason || null);
      return c.json({ plan: outcome.plan, reply: outcome.reply }, 200);
    },
  );

planRoutes.openAPIRegistry.registerComponent("securitySchemes", "apiKeyHeader", {
  type: "apiKey",
  in: "header",
  name: "X-Api-Key",
  description:
    "A tenant API key (sb_…). With it, Authorization may carry your token for your own API, which plans forward.",
});
