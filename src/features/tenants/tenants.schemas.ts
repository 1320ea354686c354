import { z } from "@hono/zod-openapi";
import { roles, tenantDeletionSteps } from "../../db/schema";
import { nonEmptyUpdate } from "../../lib/route-helpers";
import { jsonObject, text } from "../../lib/text";

// Settings come back with every login and profile read: kept small.
const SETTINGS_MAX_BYTES = 16 * 1024;

export const RoleSchema = z.enum(roles).openapi("Role");

export const TenantSchema = z
  .object({
    id: z.uuid(),
    name: text(),
    slug: text(),
    status: z.enum(["active", "suspended", "deleting"]),
    settings: z.record(text(), z.unknown()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Tenant");

export const UserSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    email: z.email(),
    name: text(),
    role: RoleSchema,
    status: z.enum(["active", "invited", "deactivated"]),
    lastLoginAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("User");

export const TenantNameSchema = text().trim().min(1).max(120);
export const EmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
export const PersonNameSchema = text().trim().min(1).max(120);

export const CreateTenantBody = z
  .object({
    name: TenantNameSchema,
    admin: z.object({ email: EmailSchema, name: PersonNameSchema }).optional().openapi({
      description: "Invite a first tenant admin (an invitation email is sent)",
    }),
  })
  .openapi("CreateTenant");

export const UpdateTenantBody = nonEmptyUpdate(
  z.object({
    name: TenantNameSchema.optional(),
    settings: jsonObject(SETTINGS_MAX_BYTES)
      .optional()
      .openapi({ description: "Free-form JSON, at most 16 KiB (returned on every login)" }),
    status: z.enum(["active", "suspended"]).optional().openapi({ description: "Platform admins only" }),
  }),
).openapi("UpdateTenant");

export const InviteUserBody = z
  .object({ email: EmailSchema, name: PersonNameSchema, role: RoleSchema.default("TENANT_USER") })
  .openapi("InviteUser");

export const UpdateUserBody = nonEmptyUpdate(
  z.object({ role: RoleSchema.optional(), status: z.enum(["active", "deactivated"]).optional() }),
).openapi("UpdateUser");

export const TenantUserParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  userId: z.uuid().openapi({ param: { name: "userId", in: "path" } }),
});

export const DeleteTenantBody = z
  .object({
    confirm: text().openapi({
      description: "The tenant's slug, exactly: proof that the caller means this tenant",
      example: "acme-1x2y3z",
    }),
  })
  .openapi("DeleteTenant", {
    description: "Deleting a tenant removes everything it owns and cannot be undone",
  });

export const TenantDeletionSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    status: z.enum(["running", "done", "failed"]),
    step: z.enum(tenantDeletionSteps).openapi({ description: "The step running now, in this order" }),
    counts: z.record(text(), z.number().int()).openapi({
      description: "What each step removed so far: conversations (rooms), rows, objects, inbox, tenant",
      example: { conversations: 12, rows: 340, objects: 5 },
    }),
    lastError: text().nullable().openapi({ description: "The last failure of a slice (it is retried)" }),
    requestedBy: z.uuid(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("TenantDeletion");
