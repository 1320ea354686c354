import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../lib/app-env";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { appUrl, jsonBody } from "../../lib/route-helpers";
import { createMailer } from "../../providers/email";
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
const security = bearerSecurity;
const mailing = (c: Context<AppEnv>) => ({ ...c.var, mailer: createMailer(c.var.config), appUrl: appUrl(c) });
// Before the body is read: an API key learns it may never delete, whatever it sends.
const deletableBy = createMiddleware<AppEnv>(async (c, next) => {
  checkMayDelete(c.var.principal, c.req.param("id") ?? "");
  await next();
});

export const tenantRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      security,
      summary: "List all tenants (platform admins)",
      middleware: authorize("platform:manage"),
      responses: {
        200: json(z.object({ data: z.array(TenantSchema) }), "Tenants"),
        ...errors(...authErrors),
      },
    }),
    async (c) => c.json({ data: await listTenants(c.var.db) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      security,
      summary: "Create a tenant (platform admins)",
      middleware: authorize("platform:manage"),
      request: jsonBody(CreateTenantBody),
      responses: { 201: json(TenantSchema, "Created"), ...errors(400, 409, ...authErrors) },
    }),
    async (c) => c.json(await createTenant(mailing(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      security,
      summary: "Get a tenant",
      middleware: authorize("tenant:read"),
      request: { params: IdParams },
      responses: { 200: json(TenantSchema, "The tenant"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => c.json(await getTenant(c.var, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}",
      tags,
      security,
      summary: "Update a tenant",
      middleware: authorize("tenant:manage"),
      request: { params: IdParams, ...jsonBody(UpdateTenantBody) },
      responses: { 200: json(TenantSchema, "Updated"), ...errors(400, 404, ...authErrors) },
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
    createRoute({
      method: "get",
      path: "/{id}/deletion",
      tags,
      security,
      summary: "A tenant deletion's progress (platform admins)",
      middleware: authorize("tenant:manage"),
      request: { params: IdParams },
      responses: { 200: json(TenantDeletionSchema, "Progress"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => c.json(await getTenantDeletion(c.var, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/users",
      tags,
      security,
      summary: "List a tenant's users",
      middleware: authorize("users:read"),
      request: { params: IdParams },
      responses: {
        200: json(z.object({ data: z.array(UserSchema) }), "Users"),
        ...errors(400, 404, ...authErrors),
      },
    }),
    async (c) => c.json({ data: await listUsers(c.var, c.req.valid("param").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/users",
      tags,
      security,
      summary: "Invite a user (emails an invitation link)",
      middleware: authorize("users:manage"),
      request: { params: IdParams, ...jsonBody(InviteUserBody) },
      responses: { 201: json(UserSchema, "Invited"), ...errors(400, 404, 409, ...authErrors) },
    }),
    async (c) => c.json(await inviteUser(mailing(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}/users/{userId}",
      tags,
      security,
      summary: "Change a user's role, or deactivate/reactivate them",
      middleware: authorize("users:manage"),
      request: { params: TenantUserParams, ...jsonBody(UpdateUserBody) },
      responses: { 200: json(UserSchema, "Updated"), ...errors(400, 404, 409, ...authErrors) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      const input = c.req.valid("json");
      const user = await updateUser(c.var, id, userId, input);
      if (input.status === "deactivated") await closeRealtimeAccess(c.env, user.tenantId, user.id);
      return c.json(user, 200);
    },
  );
