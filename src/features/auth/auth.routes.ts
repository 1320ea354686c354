import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { clientIp, enforceRateLimit } from "../../lib/rate-limit";
import { authErrors, errors, json } from "../../lib/responses";
import { appUrl, jsonBody } from "../../lib/route-helpers";
import { createMailer } from "../../providers/email";
import { authorize } from "./auth.middleware";
import {
  AcceptInviteBody,
  ForgotBody,
  LoginBody,
  ProfileSchema,
  RefreshBody,
  RegisterBody,
  ResetBody,
  SessionSchema,
  VerifySchema,
} from "./auth.schemas";
import { acceptInvite, forgotPassword, login, profile, register, resetPassword } from "./auth.service";
import { resolvePrincipal } from "./principal.service";
import { revokeRefreshToken, rotateRefreshToken } from "./sessions.service";

const tags = ["Auth"];

/** Password-guessable endpoints are limited per IP and (where there is one) per email: 5 a minute. */
const limitAuth = (c: Context<AppEnv>, action: string, email = "") =>
  enforceRateLimit(c.env.AUTH_RATE_LIMITER, `${action}:${clientIp(c.req.raw.headers)}:${email}`);

export const authRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags,
      summary: "Create a tenant and its first admin",
      request: jsonBody(RegisterBody),
      responses: { 201: json(SessionSchema, "Signed in as the new tenant admin"), ...errors(400, 409, 429) },
    }),
    async (c) => {
      const input = c.req.valid("json");
      await limitAuth(c, "register");
      return c.json(await register(c.var, input), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags,
      summary: "Sign in with email and password",
      request: jsonBody(LoginBody),
      responses: { 200: json(SessionSchema, "Signed in"), ...errors(400, 401, 403, 429) },
    }),
    async (c) => {
      const input = c.req.valid("json");
      await limitAuth(c, "login", input.email);
      return c.json(await login(c.var, input), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags,
      summary: "Rotate a refresh token for a new session",
      description: "Each refresh token works once. Reusing a rotated token revokes every token of its login.",
      request: jsonBody(RefreshBody),
      responses: { 200: json(SessionSchema, "A new access and refresh token"), ...errors(400, 401, 429) },
    }),
    async (c) => {
      // A refresh token cannot be guessed; the general API budget per IP only stops floods.
      await enforceRateLimit(c.env.API_RATE_LIMITER, `refresh:${clientIp(c.req.raw.headers)}`);
      return c.json(await rotateRefreshToken(c.var, c.req.valid("json").refreshToken), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags,
      summary: "End the login a refresh token belongs to",
      request: jsonBody(RefreshBody),
      responses: { 204: { description: "Signed out" }, ...errors(400) },
    }),
    async (c) => {
      await revokeRefreshToken(c.var.db, c.req.valid("json").refreshToken);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/forgot",
      tags,
      summary: "Email a password reset link",
      description: "Always answers 202, whether or not the email belongs to an account.",
      request: jsonBody(ForgotBody),
      responses: { 202: json(z.object({ accepted: z.literal(true) }), "Accepted"), ...errors(400, 429) },
    }),
    async (c) => {
      const { email } = c.req.valid("json");
      await limitAuth(c, "forgot", email);
      const deps = { ...c.var, mailer: createMailer(c.var.config) };
      // Done after the response, so the reply time does not tell whether the account exists.
      c.var.background(forgotPassword(deps, email, appUrl(c)), "password reset email");
      return c.json({ accepted: true as const }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reset",
      tags,
      summary: "Set a new password with a reset token",
      request: jsonBody(ResetBody),
      responses: { 204: { description: "Password changed; all sessions ended" }, ...errors(400, 410, 429) },
    }),
    async (c) => {
      const input = c.req.valid("json");
      await limitAuth(c, "reset");
      await resetPassword(c.var, input);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/accept-invite",
      tags,
      summary: "Accept an invitation: set a password and sign in",
      request: jsonBody(AcceptInviteBody),
      responses: { 200: json(SessionSchema, "Signed in"), ...errors(400, 410, 429) },
    }),
    async (c) => {
      const input = c.req.valid("json");
      await limitAuth(c, "accept-invite");
      return c.json(await acceptInvite(c.var, input), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/profile",
      tags,
      summary: "The caller: principal, user and tenant",
      security: bearerSecurity,
      middleware: authorize("profile:read"),
      responses: { 200: json(ProfileSchema, "The caller"), ...errors(...authErrors) },
    }),
    async (c) => c.json(await profile(c.var.db, c.var.principal), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/verify",
      tags,
      summary: "Whether the bearer token is valid",
      description:
        "Answers 200 with `valid: false` rather than 401, for clients that poll it. Counted per IP under the API rate limit.",
      security: bearerSecurity,
      responses: { 200: json(VerifySchema, "Validity of the presented token"), ...errors(429) },
    }),
    async (c) => {
      // Per IP, not per principal: it answers for invalid tokens too, which name no principal.
      await enforceRateLimit(c.env.API_RATE_LIMITER, `verify:${clientIp(c.req.raw.headers)}`);
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
      if (!token) return c.json({ valid: false }, 200);
      try {
        const { apiKeyLastUsedAt: _unused, ...principal } = await resolvePrincipal(
          c.var.db,
          token,
          c.var.config.JWT_SECRET,
        );
        return c.json({ valid: true, principal }, 200);
      } catch (error) {
        if (error instanceof AppError) return c.json({ valid: false }, 200);
        throw error;
      }
    },
  );
