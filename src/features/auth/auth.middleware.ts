import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { enforceRateLimit } from "../../lib/rate-limit";
import { hasPermission, type Permission } from "../../lib/rbac";
import { resolvePrincipal, touchApiKey } from "./principal.service";

const TOUCH_INTERVAL_MS = 60_000;

/** Authenticates the bearer credential, rate-limits the principal and checks the route's permission. */
export function authorize(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new AppError("unauthorized", "Missing bearer token (Authorization: Bearer <token>)");
    const { db, config } = c.var;
    const { apiKeyLastUsedAt, ...principal } = await resolvePrincipal(db, match[1], config.JWT_SECRET);
    c.set("principal", principal);
    if (principal.kind === "api_key" && (apiKeyLastUsedAt?.getTime() ?? 0) < Date.now() - TOUCH_INTERVAL_MS) {
      await touchApiKey(db, principal.id);
    }
    await enforceRateLimit(c.env.API_RATE_LIMITER, `${principal.kind}:${principal.id}`);
    if (!hasPermission(principal.role, permission)) {
      throw new AppError("forbidden", `Your role (${principal.role}) lacks the ${permission} permission`);
    }
    await next();
  });
}
