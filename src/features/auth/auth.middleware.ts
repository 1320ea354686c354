import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { enforceRateLimit } from "../../lib/rate-limit";
import { hasPermission, type Permission } from "../../lib/rbac";
import { resolvePrincipal, touchApiKey } from "./principal.service";

const TOUCH_INTERVAL_MS = 60_000;

/** Resolves the credential to the request's principal, rate-limits it and checks the permission. */
export async function admit(c: Context<AppEnv>, credential: string, permission: Permission): Promise<void> {
  const { db, config } = c.var;
  const { apiKeyLastUsedAt, ...principal } = await resolvePrincipal(db, credential, config.JWT_SECRET);
  c.set("principal", principal);
  if (principal.kind === "api_key" && (apiKeyLastUsedAt?.getTime() ?? 0) < Date.now() - TOUCH_INTERVAL_MS) {
    // Bookkeeping, not part of the answer: written after the response.
    c.var.background(touchApiKey(db, principal.id), "recording an API key's use");
  }
  await enforceRateLimit(c.env.API_RATE_LIMITER, `${principal.kind}:${principal.id}`);
  if (!hasPermission(principal.role, permission)) {
    throw new AppError("forbidden", `Your role (${principal.role}) lacks the ${permission} permission`);
  }
}

/** Authenticates the bearer credential, rate-limits the principal and checks the route's permission. */
export function authorize(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
    if (!match?.[1])
      throw new AppError("unauthorized", "Missing bearer token (Authorization: Bearer <token>)");
    await admit(c, match[1], permission);
    await next();
  });
}
