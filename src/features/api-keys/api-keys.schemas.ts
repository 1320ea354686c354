import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { RoleSchema } from "../tenants/tenants.schemas";

export const CreateApiKeyBody = z
  .object({
    name: text().trim().min(1).max(120),
    role: RoleSchema.exclude(["PLATFORM_ADMIN"]).default("TENANT_USER"),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((value) => Date.parse(value) > Date.now(), "expiresAt must be in the future")
      .optional()
      .openapi({ description: "Optional expiry (ISO 8601)" }),
  })
  .openapi("CreateApiKey");

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: text(),
    prefix: text().openapi({ description: "The key's public start, to recognise it" }),
    role: RoleSchema,
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: text().openapi({ description: "The secret. Shown once; store it now." }),
}).openapi("CreatedApiKey");
