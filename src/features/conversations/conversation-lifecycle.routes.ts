import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import { ConversationSchema, PriorityBody, SnoozeBody } from "./conversations.schemas";
import { reopenConversation, setPriority, snoozeConversation } from "./conversations.service";

const route = featureRoutes(["Conversations"]);
const deps = (c: Context<AppEnv>) => ({ db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId });

/** Reopen, snooze and priority: mounted under /api/conversations. */
export const conversationLifecycleRoutes = createRouter()
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/reopen",
      summary: "Reopen a resolved, expired or snoozed conversation",
      request: { params: IdParams },
      errors: [400, 404, 409],
      responses: { 200: json(ConversationSchema, "Open again") },
    }),
    async (c) => c.json(await reopenConversation(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/snooze",
      summary: "Snooze until a time: the conversation opens again then, or when the visitor writes",
      request: { params: IdParams, ...jsonBody(SnoozeBody) },
      errors: [400, 404, 409],
      responses: { 200: json(ConversationSchema, "Snoozed") },
    }),
    async (c) =>
      c.json(await snoozeConversation(deps(c), c.req.valid("param").id, c.req.valid("json").until), 200),
  )
  .openapi(
    route("conversations:write", {
      method: "put",
      path: "/{id}/priority",
      summary: "Set the priority (none, low, medium, high, urgent)",
      request: { params: IdParams, ...jsonBody(PriorityBody) },
      errors: [400, 404],
      responses: { 200: json(ConversationSchema, "Updated") },
    }),
    async (c) =>
      c.json(await setPriority(deps(c), c.req.valid("param").id, c.req.valid("json").priority), 200),
  );
