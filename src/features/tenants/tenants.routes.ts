import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../lib/app-env";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { appUrl, jsonBody } from "../../lib/route-helpers";
import { createMailer } from "../../providers/email";
import { featureRoutes } from "../auth/api-route";
import { authorize } from "../auth/auth.middleware";
import { closeRealtimeAccess } from "../auth/realtime-revocation";
import { checkMayDelete, getTenantDeletion, requestTenantDeletion } from "./tenant-deletion.service";
import {
  CreateTenantBody,
  DeleteTenantBody,
  InviteUserBody,
  TenantDeletionSchema,
  TenantSchema,
  TenantUserParams,
  UpdateTenantBody,
  UpdateUserBody,
  UserSchema,
} from "./tenants.schemas";
import {
  createTenant,
  getTenant,
  inviteUser,
  listTenants,
  listUsers,
  updateTenant,
  updateUser,
} from "./tenants.service";

const tags = ["Tenants"];
const route = featureRoutes(tags);
const security = bearerSecurity;
const mailing = (c: Context<AppEnv>) => ({ ...c.var, mailer: createMailer(c.var.config), appUrl: appUrl(c) });
// Before the body is read: an API key learns it may never delete, whatever it sends.
const deletableBy = createMiddleware<AppEnv>(async (c, next) => {
  checkMayDelete(c.var.principal, c.req.param("id") ?? "");
  await next();
});

export const tenantRoutes = createRouter()
  .openapi(
    route("platform:manage", {
      method: "get",
      path: "/",
      summary: "List all tenants (platform admins)",
      responses: {
        200: json(z.object({ data: z.array(TenantSchema) }), "Tenants"),
      },
    }),
    async (c) => c.json({ data: await listTenants(c.var.db) }, 200),
  )
  .openapi(
    route("platform:manage", {
      method: "post",
      path: "/",
      summary: "Create a tenant (platform admins)",
      request: jsonBody(CreateTenantBody),
      errors: [400, 409],
      responses: { 201: json(TenantSchema, "Created") },
    }),
    async (c) => c.json(await createTenant(mailing(c), c.req.valid("json")), 201),
  )
  .openapi(
    route("tenant:read", {
      method: "get",
      path: "/{id}",
      summary: "Get a tenant",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(TenantSchema, "The tenant") },
    }),
    async (c) => c.json(await getTenant(c.var, c.req.valid("param").id), 200),
  )
  .openapi(
    route("tenant:manage", {
      method: "put",
      path: "/{id}",
      summary: "Update a tenant",
      request: { params: IdParams, ...jsonBody(UpdateTenantBody) },
      errors: [400, 404],
      responses: { 200: json(TenantSchema, "Updated") },
    }),
    async (c) => c.json(await updateTenant(c.var, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      security,
      summary: "Delete a tenant and everything it owns (queued; users only, never API keys)",
      description:
        "A tenant admin deletes their own tenant, a platform admin any. Its users, API keys and widget keys stop working at once; rows, rooms, the inbox and stored files are removed by a queued job (see GET /api/tenants/{id}/deletion). Repeating the request resumes a failed job.",
      middleware: [authorize("tenant:manage"), deletableBy] as const,
      request: { params: IdParams, ...jsonBody(DeleteTenantBody) },
      responses: {
        202: json(TenantDeletionSchema, "Deletion started (or already under way)"),
        ...errors(400, 404, 409, 503, ...authErrors),
      },
    }),
    async (c) => {
      const deps = { ...c.var, queue: c.env.TENANT_DELETION_QUEUE };
      const { confirm } = c.req.valid("json");
      return c.json(await requestTenantDeletion(deps, c.req.valid("param").id, confirm), 202);
    },
  )
  .openapi(
    route("tenant:manage", {
      method: "get",
      path: "/{id}/deletion",
      summary: "A tenant deletion's progress (platform admins)",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(TenantDeletionSchema, "Progress") },
    }),
    async (c) => c.json(await getTenantDeletion(c.var, c.req.valid("param").id), 200),
  )
  .openapi(
    route("users:read", {
      method: "get",
      path: "/{id}/users",
      summary: "List a tenant's users",
      request: { params: IdParams },
      errors: [400, 404],
      responses: {
        200: json(z.object({ data: z.array(UserSchema) }), "Users"),
      },
    }),
    async (c) => c.json({ data: await listUsers(c.var, c.req.valid("param").id) }, 200),
  )
  .openapi(
    route("users:manage", {
      method: "post",
      path: "/{id}/users",
      summary: "Invite a user (emails an invitation link)",
      request: { params: IdParams, ...jsonBody(InviteUserBody) },
      errors: [400, 404, 409],
      responses: { 201: json(UserSchema, "Invited") },
    }),
    async (c) => c.json(await inviteUser(mailing(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    route("users:manage", {
      method: "patch",
      path: "/{id}/users/{userId}",
      summary: "Change a user's role, or deactivate/reactivate them",
      request: { params: TenantUserParams, ...jsonBody(UpdateUserBody) },
      errors: [400, 404, 409],
      responses: { 200: json(UserSchema, "Updated") },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      const input = c.req.valid("json");
      const user = await updateUser(c.var, id, userId, input);
      if (input.status === "deactivated") await closeRealtimeAccess(c.env, user.tenantId, user.id);
      return c.json(user, 200);
    },
  );
