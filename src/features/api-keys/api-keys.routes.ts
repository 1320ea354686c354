import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { authorize } from "../auth/auth.middleware";
import { closeRealtimeAccess } from "../auth/realtime-revocation";
import { ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema } from "./api-keys.schemas";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.service";

const tags = ["API keys"];
const security = bearerSecurity;
const middleware = authorize("api-keys:manage");

export const apiKeyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      security,
      middleware,
      summary: "Create an API key for server-to-server calls (the secret is shown once)",
      request: jsonBody(CreateApiKeyBody),
      responses: { 201: json(CreatedApiKeySchema, "Created"), ...errors(400, ...authErrors) },
    }),
    async (c) => c.json(await createApiKey(c.var.db, c.var.principal, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      security,
      middleware,
      summary: "List the tenant's API keys (never their secrets)",
      responses: {
        200: json(z.object({ data: z.array(ApiKeySchema) }), "API keys"),
        ...errors(...authErrors),
      },
    }),
    async (c) => c.json({ data: await listApiKeys(c.var.db, c.var.principal) }, 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      security,
      middleware,
      summary: "Revoke an API key",
      request: { params: IdParams },
      responses: { 204: { description: "Revoked" }, ...errors(400, 404, ...authErrors) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await revokeApiKey(c.var.db, c.var.principal, id);
      await closeRealtimeAccess(c.env, c.var.principal.tenantId, id);
      return c.body(null, 204);
    },
  );
