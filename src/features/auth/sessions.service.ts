import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { refreshTokens, tenants, users } from "../../db/schema";
import type { Config } from "../../env";
import { randomToken, sha256 } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import { log } from "../../lib/logger";
import { signAccessToken } from "../../lib/tokens";
import { tenantView, userView } from "../tenants/tenants.views";

type UserRow = typeof users.$inferSelect;
type TenantRow = typeof tenants.$inferSelect;

export interface SessionDeps {
  db: Database;
  config: Config;
}

/** Issues an access token and a refresh token (a new family unless `familyId` continues one). */
export async function issueSession(
  { db, config }: SessionDeps,
  user: UserRow,
  tenant: TenantRow,
  familyId = uuidv7(),
) {
  const refreshToken = randomToken(32);
  await db.insert(refreshTokens).values({
    userId: user.id,
    tenantId: user.tenantId,
    familyId,
    tokenHash: await sha256(refreshToken),
    expiresAt: new Date(Date.now() + config.REFRESH_TOKEN_TTL * 1000),
  });
  // Strictly after the last revocation, even if this clock lags the one that wrote it.
  const issuedAtMs = Math.max(Date.now(), (user.tokensValidAfter?.getTime() ?? 0) + 1);
  const accessToken = await signAccessToken(
    { userId: user.id, tenantId: user.tenantId, role: user.role, issuedAtMs },
    config.JWT_SECRET,
    config.ACCESS_TOKEN_TTL,
  );
  return {
    tokenType: "Bearer" as const,
    accessToken,
    expiresIn: config.ACCESS_TOKEN_TTL,
    refreshToken,
    refreshExpiresIn: config.REFRESH_TOKEN_TTL,
    user: userView(user),
    tenant: tenantView(tenant),
  };
}

const invalidRefresh = () => new AppError("unauthorized", "Invalid or expired refresh token");

/**
 * Rotates a refresh token. Presenting a token that was already rotated means it leaked (or was
 * replayed): the whole family is revoked, so the thief's and the owner's sessions both end.
 */
export async function rotateRefreshToken(deps: SessionDeps, presented: string) {
  const { db } = deps;
  const [token] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256(presented)));
  if (!token || token.revokedAt || token.expiresAt < new Date()) throw invalidRefresh();
  // The conditional update makes two concurrent uses of one token resolve to one winner.
  const [claimed] = await db
    .update(refreshTokens)
    .set({ rotatedAt: new Date() })
    .where(
      and(eq(refreshTokens.id, token.id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)),
    )
    .returning({ id: refreshTokens.id });
  if (!claimed) {
    await revokeFamily(db, token.familyId, token.userId);
    log("warn", "refresh token reuse: family revoked", { familyId: token.familyId, userId: token.userId });
    throw new AppError(
      "unauthorized",
      "Refresh token was already used; all sessions of this login were revoked",
    );
  }
  const [row] = await db
    .select({ user: users, tenant: tenants })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(eq(users.id, token.userId));
  if (row?.user.status !== "active" || row.tenant.status !== "active") {
    await revokeFamily(db, token.familyId, token.userId);
    throw invalidRefresh();
  }
  return issueSession(deps, row.user, row.tenant, token.familyId);
}

/**
 * Ends the login a refresh token belongs to. Unknown tokens are ignored (logout is idempotent).
 * The user's access tokens all stop working (they carry no login id); their other logins refresh.
 */
export async function revokeRefreshToken(db: Database, presented: string): Promise<void> {
  const [token] = await db
    .select({ familyId: refreshTokens.familyId, userId: refreshTokens.userId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256(presented)));
  if (token) await revokeFamily(db, token.familyId, token.userId);
}

/** Revokes one login's refresh tokens and every access token the user holds. */
export async function revokeFamily(db: Database, familyId: string, userId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  await revokeAccessTokens(db, userId);
}

/** Ends every login of a user (password reset, deactivation), access tokens included. */
export async function revokeAllSessions(db: Database, userId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  await revokeAccessTokens(db, userId);
}

/**
 * Refuses the user's access tokens and WebSocket tickets issued up to now. The instant is this
 * Worker's clock, the one that stamps tokens (`ims`); it never moves back (greatest ignores NULL).
 */
export async function revokeAccessTokens(db: Database, userId: string): Promise<void> {
  const now = new Date();
  await db
    .update(users)
    .set({ tokensValidAfter: sql`greatest(${users.tokensValidAfter}, ${now.toISOString()}::timestamptz)` })
    .where(eq(users.id, userId));
}
