import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import {
  EmailSchema,
  PersonNameSchema,
  TenantNameSchema,
  TenantSchema,
  UserSchema,
} from "../tenants/tenants.schemas";

export const PasswordSchema = text()
  .min(10, "Password must be at least 10 characters")
  .max(200)
  .openapi({ example: "correct horse battery" });

export const RegisterBody = z
  .object({
    tenantName: TenantNameSchema,
    name: PersonNameSchema,
    email: EmailSchema,
    password: PasswordSchema,
  })
  .openapi("Register");

export const LoginBody = z.object({ email: EmailSchema, password: text().min(1).max(200) }).openapi("Login");

export const RefreshBody = z.object({ refreshToken: text().min(1).max(200) }).openapi("Refresh");

export const ForgotBody = z.object({ email: EmailSchema }).openapi("ForgotPassword");

export const ResetBody = z
  .object({ token: text().min(1).max(200), password: PasswordSchema })
  .openapi("ResetPassword");

export const AcceptInviteBody = z
  .object({ token: text().min(1).max(200), password: PasswordSchema, name: PersonNameSchema.optional() })
  .openapi("AcceptInvite");

export const SessionSchema = z
  .object({
    tokenType: z.literal("Bearer"),
    accessToken: text(),
    expiresIn: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
    refreshToken: text(),
    refreshExpiresIn: z.number().int(),
    user: UserSchema,
    tenant: TenantSchema,
  })
  .openapi("Session");

export const ProfileSchema = z
  .object({
    principal: z.object({
      kind: z.enum(["user", "api_key"]),
      id: z.uuid(),
      tenantId: z.uuid(),
      role: text(),
    }),
    user: UserSchema.nullable(),
    tenant: TenantSchema,
  })
  .openapi("Profile");

export const VerifySchema = z
  .object({ valid: z.boolean(), principal: ProfileSchema.shape.principal.optional() })
  .openapi("TokenVerification");
