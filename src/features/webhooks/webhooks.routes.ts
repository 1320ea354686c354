import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryParams,
  DeliverySchema,
  UpdateWebhookBody,
  WebhookSchema,
} from "./webhooks.schemas";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  updateWebhook,
} from "./webhooks.service";

const route = featureRoutes(["Webhooks"]);
const deps = (c: Context<AppEnv>) => ({
  db: c.var.db,
  env: c.env,
  tenantId: c.var.principal.tenantId,
  config: c.var.config,
});

export const webhookRoutes = createRouter()
  .openapi(
    route("webhooks:manage", {
      method: "post",
      path: "/",
      summary: "Register a URL for signed event deliveries (the signing secret is shown once)",
      request: jsonBody(CreateWebhookBody),
      errors: [400],
      responses: { 201: json(CreatedWebhookSchema, "Created") },
    }),
    async (c) => c.json(await createWebhook(deps(c), c.req.valid("json")), 201),
  )
  .openapi(
    route("webhooks:manage", {
      method: "get",
      path: "/",
      summary: "List the tenant's webhooks (never their secrets)",
      responses: { 200: json(z.object({ data: z.array(WebhookSchema) }), "Webhooks") },
    }),
    async (c) => c.json({ data: await listWebhooks(c.var.db, c.var.principal.tenantId) }, 200),
  )
  .openapi(
    route("webhooks:manage", {
      method: "get",
      path: "/{id}",
      summary: "Get a webhook",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(WebhookSchema, "The webhook") },
    }),
    async (c) => c.json(await getWebhook(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("webhooks:manage", {
      method: "put",
      path: "/{id}",
      summary: "Change a webhook's URL, events, description or whether it is enabled",
      request: { params: IdParams, ...jsonBody(UpdateWebhookBody) },
      errors: [400, 404],
      responses: { 200: json(WebhookSchema, "Updated") },
    }),
    async (c) => c.json(await updateWebhook(deps(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    route("webhooks:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a webhook and its delivery log",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteWebhook(deps(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("webhooks:manage", {
      method: "get",
      path: "/{id}/deliveries",
      summary: "The webhook's delivery log, newest first: status, response code, attempts, next attempt",
      request: { params: IdParams, query: DeliveriesQuery },
      errors: [400, 404],
      responses: { 200: json(z.object({ data: z.array(DeliverySchema) }), "Deliveries") },
    }),
    async (c) =>
      c.json(
        {
          data: await listDeliveries(
            c.var.db,
            c.var.principal.tenantId,
            c.req.valid("param").id,
            c.req.valid("query"),
          ),
        },
        200,
      ),
  )
  .openapi(
    route("webhooks:manage", {
      method: "post",
      path: "/{id}/deliveries/{deliveryId}/redeliver",
      summary: "Send a delivery again (same delivery id and body, a fresh 24-hour retry window)",
      request: { params: DeliveryParams },
      errors: [400, 404, 409],
      responses: { 202: json(DeliverySchema, "Queued") },
    }),
    async (c) => {
      const { id, deliveryId } = c.req.valid("param");
      const delivery = await redeliver(
        { db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId },
        id,
        deliveryId,
      );
      return c.json(delivery, 202);
    },
  );
