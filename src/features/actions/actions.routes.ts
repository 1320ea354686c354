import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { createRouter, validationDetails } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { loadAgent } from "../ai/agents.service";
import { featureRoutes } from "../auth/api-route";
import {
  ActionSchema,
  AgentActionParams,
  CreateActionBody,
  ImportActionsBody,
  OperationSchema,
  UpdateActionBody,
} from "./actions.schemas";
import {
  actionView,
  createAction,
  deleteAction,
  listActions,
  loadAction,
  updateAction,
  upsertAction,
} from "./actions.service";
import { importOpenApi } from "./openapi-import";

const tags = ["Actions"];
const route = featureRoutes(tags);

const deps = (c: Context<AppEnv>) => ({
  db: c.var.db,
  config: c.var.config,
  tenantId: c.var.principal.tenantId,
});

/** An agent's actions: the tenant's APIs it may plan calls against. Mounted at /api/agents. */
export const actionRoutes = createRouter()
  .openapi(
    route("agents:read", {
      method: "get",
      path: "/{id}/actions",
      summary: "List an agent's actions (APIs and operations it may plan calls against)",
      request: { params: IdParams },
      errors: [400, 404],
      responses: {
        200: json(z.object({ data: z.array(ActionSchema) }), "Actions"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadAgent(c.var.db, c.var.principal.tenantId, id);
      return c.json({ data: (await listActions(deps(c), id)).map(actionView) }, 200);
    },
  )
  .openapi(
    route("actions:manage", {
      method: "post",
      path: "/{id}/actions",
      summary:
        "Register an API for the agent: base URL, optional default token (stored encrypted), operations",
      request: { params: IdParams, ...jsonBody(CreateActionBody) },
      errors: [400, 404, 409],
      responses: { 201: json(ActionSchema, "Created") },
    }),
    async (c) => c.json(await createAction(deps(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    route("actions:manage", {
      method: "post",
      path: "/{id}/actions/import",
      summary: "Create (or re-import by name) an action from an OpenAPI 3.x document",
      description:
        "Operations come from the document's paths; risk defaults to read for GET, approval_required for DELETE and write otherwise (override with `x-risk`).",
      request: { params: IdParams, ...jsonBody(ImportActionsBody) },
      errors: [400, 404, 409],
      responses: {
        201: json(ActionSchema, "Created"),
        200: json(ActionSchema, "Replaced the operations of the action with this name"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      await loadAgent(c.var.db, c.var.principal.tenantId, id);
      const imported = importOpenApi(body.document);
      const operations = z.array(OperationSchema).min(1).max(100).safeParse(imported.operations);
      if (!operations.success) {
        throw new AppError(
          "validation_failed",
          "The document has unusable operations",
          validationDetails(operations.error),
        );
      }
      const baseUrl = body.baseUrl ?? imported.baseUrl;
      if (!baseUrl)
        throw new AppError(
          "validation_failed",
          "baseUrl is required (the document has no absolute server URL)",
        );
      const { created, action } = await upsertAction(deps(c), id, {
        name: body.name ?? imported.title,
        description: imported.title,
        baseUrl,
        ...(body.token === undefined ? {} : { token: body.token }),
        ...(body.timeoutSeconds ? { timeoutSeconds: body.timeoutSeconds } : {}),
        operations: operations.data,
      });
      return created ? c.json(action, 201) : c.json(action, 200);
    },
  )
  .openapi(
    route("agents:read", {
      method: "get",
      path: "/{id}/actions/{actionId}",
      summary: "Get an action",
      request: { params: AgentActionParams },
      errors: [400, 404],
      responses: { 200: json(ActionSchema, "The action") },
    }),
    async (c) => {
      const { id, actionId } = c.req.valid("param");
      return c.json(actionView(await loadAction(deps(c), id, actionId)), 200);
    },
  )
  .openapi(
    route("actions:manage", {
      method: "put",
      path: "/{id}/actions/{actionId}",
      summary: "Update an action (token: a new value replaces it, null removes it, absent keeps it)",
      request: { params: AgentActionParams, ...jsonBody(UpdateActionBody) },
      errors: [400, 404, 409],
      responses: { 200: json(ActionSchema, "Updated") },
    }),
    async (c) => {
      const { id, actionId } = c.req.valid("param");
      return c.json(await updateAction(deps(c), id, actionId, c.req.valid("json")), 200);
    },
  )
  .openapi(
    route("actions:manage", {
      method: "delete",
      path: "/{id}/actions/{actionId}",
      summary: "Delete an action (plans already proposed with it fail at that step)",
      request: { params: AgentActionParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      const { id, actionId } = c.req.valid("param");
      await deleteAction(deps(c), id, actionId);
      return c.body(null, 204);
    },
  );
