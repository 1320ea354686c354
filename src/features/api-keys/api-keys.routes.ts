import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import { closeRealtimeAccess } from "../auth/realtime-revocation";
import { ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema } from "./api-keys.schemas";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.service";

const route = featureRoutes(["API keys"]);

export const apiKeyRoutes = createRouter()
  .openapi(
    route("api-keys:manage", {
      method: "post",
      path: "/",
      summary: "Create an API key for server-to-server calls (the secret is shown once)",
      request: jsonBody(CreateApiKeyBody),
      responses: { 201: json(CreatedApiKeySchema, "Created") },
      errors: [400],
    }),
    async (c) => c.json(await createApiKey(c.var.db, c.var.principal, c.req.valid("json")), 201),
  )
  .openapi(
    route("api-keys:manage", {
      method: "get",
      path: "/",
      summary: "List the tenant's API keys (never their secrets)",
      responses: { 200: json(z.object({ data: z.array(ApiKeySchema) }), "API keys") },
    }),
    async (c) => c.json({ data: await listApiKeys(c.var.db, c.var.principal) }, 200),
  )
  .openapi(
    route("api-keys:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Revoke an API key",
      request: { params: IdParams },
      responses: { 204: { description: "Revoked" } },
      errors: [400, 404],
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await revokeApiKey(c.var.db, c.var.principal, id);
      await closeRealtimeAccess(c.env, c.var.principal.tenantId, id);
      return c.body(null, 204);
    },
  );
