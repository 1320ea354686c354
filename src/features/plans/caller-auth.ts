import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { compactVerify } from "jose";
import type { Database } from "../../db/client";
import { refreshTokens, userTokens } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { sha256 } from "../../lib/crypto";
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

/** Whether the JWT was signed with our secret (expired or not, whatever it grants). */
async function signedByUs(token: string, secret: string): Promise<boolean> {
  try {
    await compactVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a bearer token is one of Switchboard's own credentials: an API key (anyone's), a token
 * we signed (access tokens, WebSocket tickets, visitor tokens) or an opaque refresh, invitation or
 * reset token we issued.
 */
async function isSwitchboardCredential(db: Database, secret: string, token: string): Promise<boolean> {
  if (token.toLowerCase().startsWith(API_KEY_PREFIX)) return true;
  if (await signedByUs(token, secret)) return true;
  const hash = await sha256(token);
  const [refresh] = await db
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hash));
  if (refresh) return true;
  const [emailed] = await db
    .select({ id: userTokens.id })
    .from(userTokens)
    .where(eq(userTokens.tokenHash, hash));
  return emailed !== undefined;
}

/**
 * The caller's bearer token for the tenant's API: `Authorization` when the caller authenticated
 * with `X-Api-Key`. A Switchboard credential is never forwarded (null: the action's stored token).
 */
export async function downstreamAuthorization(c: Context<AppEnv>): Promise<string | null> {
  const token = bearerOf(c);
  if (!c.req.header("X-Api-Key") || !token) return null;
  return (await isSwitchboardCredential(c.var.db, c.var.config.JWT_SECRET, token)) ? null : `Bearer ${token}`;
}
