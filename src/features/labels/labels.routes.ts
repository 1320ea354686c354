import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import {
  ConversationLabelParams,
  CreateLabelBody,
  LabelRefSchema,
  LabelSchema,
  UpdateLabelBody,
} from "./labels.schemas";
import { createLabel, deleteLabel, listLabels, setConversationLabel, updateLabel } from "./labels.service";

const route = featureRoutes(["Labels"]);

export const labelRoutes = createRouter()
  .openapi(
    route("labels:read", {
      method: "get",
      path: "/",
      summary: "List the tenant's labels",
      responses: { 200: json(z.object({ data: z.array(LabelSchema) }), "Labels") },
    }),
    async (c) => c.json({ data: await listLabels(c.var.db, c.var.principal.tenantId) }, 200),
  )
  .openapi(
    route("labels:manage", {
      method: "post",
      path: "/",
      summary: "Create a label (name unique per tenant, colour #rrggbb)",
      request: jsonBody(CreateLabelBody),
      errors: [400, 409],
      responses: { 201: json(LabelSchema, "Created") },
    }),
    async (c) => c.json(await createLabel(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 201),
  )
  .openapi(
    route("labels:manage", {
      method: "put",
      path: "/{id}",
      summary: "Rename or recolour a label",
      request: { params: IdParams, ...jsonBody(UpdateLabelBody) },
      errors: [400, 404, 409],
      responses: { 200: json(LabelSchema, "Updated") },
    }),
    async (c) =>
      c.json(
        await updateLabel(c.var.db, c.var.principal.tenantId, c.req.valid("param").id, c.req.valid("json")),
        200,
      ),
  )
  .openapi(
    route("labels:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a label (conversations lose it)",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteLabel(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

const labelled = (on: boolean) =>
  route("conversations:write", {
    method: on ? "post" : "delete",
    path: "/{id}/labels/{labelId}",
    summary: on ? "Add a label to a conversation" : "Remove a label from a conversation",
    request: { params: ConversationLabelParams },
    errors: [400, 404],
    responses: { 200: json(z.object({ data: z.array(LabelRefSchema) }), "The conversation's labels now") },
  });

/** Labels on a conversation, mounted under /api/conversations. */
export const conversationLabelRoutes = createRouter()
  .openapi(labelled(true), async (c) => {
    const { id, labelId } = c.req.valid("param");
    const deps = { db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId };
    return c.json({ data: await setConversationLabel(deps, id, labelId, true) }, 200);
  })
  .openapi(labelled(false), async (c) => {
    const { id, labelId } = c.req.valid("param");
    const deps = { db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId };
    return c.json({ data: await setConversationLabel(deps, id, labelId, false) }, 200);
  });
