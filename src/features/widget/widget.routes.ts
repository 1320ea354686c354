import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { clientIp, enforceRateLimit } from "../../lib/rate-limit";
import { errors, IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import { ConversationMessageParams } from "../conversations/conversations.schemas";
import { FeedbackSchema } from "../feedback/feedback.schemas";
import { giveVisitorFeedback, staffNames } from "./visitor-api";
import {
  CreatedWidgetKeySchema,
  CreateWidgetKeyBody,
  StaffNamesQuery,
  StaffNamesSchema,
  UpdateWidgetKeyBody,
  VisitorFeedbackBody,
  WidgetConfigQuery,
  WidgetConfigSchema,
  WidgetKeySchema,
  WidgetSessionBody,
  WidgetSessionSchema,
} from "./widget.schemas";
import {
  createWidgetKey,
  listWidgetKeys,
  revokeWidgetKey,
  startWidgetSession,
  updateWidgetKey,
  widgetConfig,
} from "./widget.service";

/** The widget's public routes share one budget per client address (visitors have no account). */
export const limitVisitor = (c: Context<AppEnv>) =>
  enforceRateLimit(c.env.API_RATE_LIMITER, `widget:${clientIp(c.req.raw.headers)}`);

const tags = ["Widget"];
const route = featureRoutes(tags);

export const widgetKeyRoutes = createRouter()
  .openapi(
    route("widget-keys:manage", {
      method: "post",
      path: "/",
      summary: "Create a widget key (its identity secret is shown once)",
      request: jsonBody(CreateWidgetKeyBody),
      errors: [400, 404],
      responses: { 201: json(CreatedWidgetKeySchema, "Created") },
    }),
    async (c) => c.json(await createWidgetKey(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 201),
  )
  .openapi(
    route("widget-keys:manage", {
      method: "get",
      path: "/",
      summary: "List widget keys",
      responses: {
        200: json(z.object({ data: z.array(WidgetKeySchema) }), "Widget keys"),
      },
    }),
    async (c) => c.json({ data: await listWidgetKeys(c.var.db, c.var.principal.tenantId) }, 200),
  )
  .openapi(
    route("widget-keys:manage", {
      method: "put",
      path: "/{id}",
      summary: "Change a widget key's name, allowed origins or agent (the snippet stays the same)",
      request: { params: IdParams, ...jsonBody(UpdateWidgetKeyBody) },
      errors: [400, 404, 409],
      responses: { 200: json(WidgetKeySchema, "Updated") },
    }),
    async (c) =>
      c.json(
        await updateWidgetKey(
          c.var.db,
          c.var.principal.tenantId,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
        200,
      ),
  )
  .openapi(
    route("widget-keys:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Revoke a widget key",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Revoked" } },
    }),
    async (c) => {
      await revokeWidgetKey(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

export const widgetRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/sessions",
      tags,
      summary: "Start or resume a visitor's chat from an embedding page (checks the Origin)",
      request: jsonBody(WidgetSessionBody),
      responses: {
        200: json(WidgetSessionSchema, "Visitor token, conversation and ticket"),
        ...errors(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const input = c.req.valid("json");
      await limitVisitor(c);
      const deps = { db: c.var.db, env: c.env, secret: c.var.config.JWT_SECRET };
      return c.json(await startWidgetSession(deps, c.req.header("Origin"), input), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/config",
      tags,
      summary: "What the widget shows before a chat: settings, team online or away, business hours",
      request: { query: WidgetConfigQuery },
      responses: {
        200: json(WidgetConfigSchema, "The widget key's presentation and the team's availability"),
        ...errors(400, 401, 403, 429),
      },
    }),
    async (c) => {
      await limitVisitor(c);
      const deps = { db: c.var.db, env: c.env };
      return c.json(await widgetConfig(deps, c.req.header("Origin"), c.req.valid("query").widgetKey), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/conversations/{id}/messages/{messageId}/feedback",
      tags,
      summary: "A visitor likes or dislikes a message of their conversation (Bearer: the visitor token)",
      security: bearerSecurity,
      request: { params: ConversationMessageParams, ...jsonBody(VisitorFeedbackBody) },
      responses: {
        201: json(FeedbackSchema, "Recorded"),
        200: json(FeedbackSchema, "Updated the visitor's earlier feedback"),
        ...errors(400, 401, 404, 429, 503),
      },
    }),
    async (c) => {
      await limitVisitor(c);
      const { id, messageId } = c.req.valid("param");
      const deps = { db: c.var.db, env: c.env, secret: c.var.config.JWT_SECRET };
      const result = await giveVisitorFeedback(deps, c.req.header("Authorization"), id, messageId, {
        ...c.req.valid("json"),
      });
      return result.created ? c.json(result.feedback, 201) : c.json(result.feedback, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/conversations/{id}/staff",
      tags,
      summary: "Display names of staff who wrote in the visitor's conversation (Bearer: the visitor token)",
      security: bearerSecurity,
      request: { params: IdParams, query: StaffNamesQuery },
      responses: {
        200: json(StaffNamesSchema, "Names of the given ids that are the tenant's staff"),
        ...errors(400, 401, 404, 429),
      },
    }),
    async (c) => {
      await limitVisitor(c);
      const deps = { db: c.var.db, env: c.env, secret: c.var.config.JWT_SECRET };
      const data = await staffNames(
        deps,
        c.req.header("Authorization"),
        c.req.valid("param").id,
        c.req.valid("query").ids,
      );
      return c.json({ data }, 200);
    },
  );
