import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import type { Permission } from "../../lib/rbac";
import { admit } from "../auth/auth.middleware";
import { API_KEY_PREFIX } from "../auth/principal.service";

const bearerOf = (c: Context<AppEnv>) => /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];

/**
 * Like `authorize`, for routes that run plans: the Switchboard credential may instead come as an
 * API key in `X-Api-Key`, which leaves `Authorization` free to carry the caller's token for the
 * tenant's own API (see `downstreamAuthorization`).
 */
export function authorizeCaller(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const apiKey = c.req.header("X-Api-Key");
    if (apiKey !== undefined && !apiKey.startsWith(API_KEY_PREFIX)) {
      throw new AppError("unauthorized", "X-Api-Key must be a Switchboard API key (sb_…)");
    }
    const credential = apiKey ?? bearerOf(c);
    if (!credential) {
      throw new AppError("unauthorized", "Missing credentials (Authorization: Bearer <token>, or X-Api-Key)");
    }
    await admit(c, credential, permission);
    await next();
  });
}

/**
 * The caller's bearer token for the tenant's API: `Authorization` when the caller authenticated
 * with `X-Api-Key`. A Switchboard credential is never forwarded (null: the action's stored token).
 */
export function downstreamAuthorization(c: Context<AppEnv>): string | null {
  const token = bearerOf(c);
  const apiKey = c.req.header("X-Api-Key");
  return apiKey && token && token !== apiKey ? `Bearer ${token}` : null;
}
