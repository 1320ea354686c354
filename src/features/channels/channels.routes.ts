import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { appUrl, jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import {
  ChannelSchema,
  CreateChannelBody,
  DeleteChannelQuery,
  TestResultSchema,
  UpdateChannelBody,
  WebhookSchema,
} from "./channels.schemas";
import {
  channelWebhook,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  regenerateWebhook,
  testChannel,
  updateChannel,
} from "./channels.service";

const route = featureRoutes(["Channels"]);
const deps = (c: Context<AppEnv>) => ({
  db: c.var.db,
  env: c.env,
  config: c.var.config,
  tenantId: c.var.principal.tenantId,
  publicUrl: appUrl(c),
});

export const channelRoutes = createRouter()
  .openapi(
    route("channels:manage", {
      method: "get",
      path: "/",
      summary: "List the tenant's messaging channels (secrets never included)",
      responses: { 200: json(z.object({ data: z.array(ChannelSchema) }), "Channels") },
    }),
    async (c) => c.json({ data: await listChannels(deps(c)) }, 200),
  )
  .openapi(
    route("channels:manage", {
      method: "post",
      path: "/",
      summary: "Connect a channel; a Telegram bot gets its webhook (with a secret token) set at once",
      request: jsonBody(CreateChannelBody),
      errors: [400, 502, 504],
      responses: { 201: json(ChannelSchema, "Connected") },
    }),
    async (c) => c.json(await createChannel(deps(c), c.req.valid("json")), 201),
  )
  .openapi(
    route("channels:manage", {
      method: "get",
      path: "/{id}",
      summary: "Get a channel",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(ChannelSchema, "The channel") },
    }),
    async (c) => c.json(await getChannel(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    route("channels:manage", {
      method: "put",
      path: "/{id}",
      summary: "Rename, re-point, disable or re-credential a channel (new credentials clear reauth_required)",
      request: { params: IdParams, ...jsonBody(UpdateChannelBody) },
      errors: [400, 404, 502, 504],
      responses: { 200: json(ChannelSchema, "Updated") },
    }),
    async (c) => c.json(await updateChannel(deps(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    route("channels:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a channel (refused while its conversations are open, unless force=true)",
      request: { params: IdParams, query: DeleteChannelQuery },
      errors: [400, 404, 409],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteChannel(deps(c), c.req.valid("param").id, c.req.valid("query").force === "true");
      return c.body(null, 204);
    },
  )
  .openapi(
    route("channels:manage", {
      method: "post",
      path: "/{id}/test",
      summary: "Health checklist: token valid (who am I), webhook subscribed, last verified inbound event",
      request: { params: IdParams },
      errors: [400, 404, 502, 504],
      responses: { 200: json(TestResultSchema, "The checklist") },
    }),
    async (c) => c.json(await testChannel(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    route("channels:manage", {
      method: "get",
      path: "/{id}/webhook",
      summary: "The webhook URL (and Meta's verify token) to paste in the platform's console",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(WebhookSchema, "The webhook") },
    }),
    async (c) => c.json(await channelWebhook(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    route("channels:manage", {
      method: "post",
      path: "/{id}/webhook/regenerate",
      summary: "A new verify/secret token (Telegram is told at once; paste Meta's again)",
      request: { params: IdParams },
      errors: [400, 404, 502, 504],
      responses: { 200: json(WebhookSchema, "The new webhook") },
    }),
    async (c) => c.json(await regenerateWebhook(deps(c), c.req.valid("param").id), 200),
  );
