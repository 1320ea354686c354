import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { apiKeys, type Role, tenants, users } from "../../db/schema";
import type { Principal } from "../../lib/app-env";
import { sha256 } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { verifyAccessToken } from "../../lib/tokens";

export const API_KEY_PREFIX = "sb_";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const unauthorized = (message: string) => new AppError("unauthorized", message);

/**
 * Resolves a bearer credential (access token or API key) to a principal, checking against the
 * database that the user or key is still active, so revocations and role changes apply at once.
 */
export async function resolvePrincipal(
  db: Database,
  credential: string,
  jwtSecret: string,
): Promise<Principal & { apiKeyLastUsedAt?: Date | null }> {
  if (credential.startsWith(API_KEY_PREFIX)) return resolveApiKey(db, credential);
  const claims = await verifyAccessToken(credential, jwtSecret);
  // Every request runs this lookup: one statement as written, without the query builder's work.
  const { rows } = await db.execute(sql`
    select u.role, u.status, u.tenant_id, t.status as tenant_status,
      (extract(epoch from u.tokens_valid_after) * 1000)::float8 as valid_after_ms
    from users u join tenants t on t.id = u.tenant_id
    where u.id = ${claims.userId}`);
  const row = rows[0] as UserRow | undefined;
  if (row?.status !== "active" || row.tenant_id !== claims.tenantId) {
    throw unauthorized("Invalid or expired access token");
  }
  if (row.valid_after_ms !== null && claims.issuedAtMs <= row.valid_after_ms) {
    throw unauthorized("Access token was revoked (signed out or password changed); sign in again");
  }
  if (row.tenant_status !== "active") throw new AppError("forbidden", "Tenant is suspended");
  return { kind: "user", id: claims.userId, tenantId: row.tenant_id, role: row.role };
}

/** The principal lookups' rows, as Postgres names the columns. */
interface UserRow {
  role: Role;
  status: string;
  tenant_id: string;
  tenant_status: string;
  valid_after_ms: number | null;
}
interface ApiKeyRow {
  id: string;
  tenant_id: string;
  role: Role;
  last_used_ms: number | null;
}

/** A credential issued at `issuedAtMs` predates (or shares the instant of) the revocation. */
const revokedAt = (validAfter: Date | null, issuedAtMs: number) =>
  validAfter !== null && issuedAtMs <= validAfter.getTime();

/**
 * Checks at WebSocket upgrade that a ticket's staff principal (a user or an API key of the tenant) is
 * still allowed in: active, not revoked, and the ticket newer than the user's last revocation.
 * One small query per staff join; visitors are not checked here.
 */
export async function assertTicketHolderCurrent(
  db: Database,
  claims: { tenantId: string; participantId: string; issuedAtMs: number },
): Promise<void> {
  const { tenantId, participantId: id, issuedAtMs } = claims;
  if (!UUID.test(id)) throw unauthorized("Invalid ticket");
  const [[user], [key]] = await Promise.all([
    db
      .select({ status: users.status, tokensValidAfter: users.tokensValidAfter })
      .from(users)
      .innerJoin(tenants, eq(tenants.id, users.tenantId))
      .where(and(eq(users.id, id), eq(users.tenantId, tenantId), eq(tenants.status, "active"))),
    db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .where(
        and(
          eq(apiKeys.id, id),
          eq(apiKeys.tenantId, tenantId),
          isNull(apiKeys.revokedAt),
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, new Date())),
          eq(tenants.status, "active"),
        ),
      ),
  ]);
  const current = user ? user.status === "active" && !revokedAt(user.tokensValidAfter, issuedAtMs) : !!key;
  if (!current) throw unauthorized("Ticket no longer valid: access was revoked");
}

async function resolveApiKey(db: Database, key: string) {
  const { rows } = await db.execute(sql`
    select k.id, k.tenant_id, k.role, (extract(epoch from k.last_used_at) * 1000)::float8 as last_used_ms
    from api_keys k join tenants t on t.id = k.tenant_id
    where k.key_hash = ${await sha256(key)} and k.revoked_at is null
      and (k.expires_at is null or k.expires_at > ${new Date().toISOString()}) and t.status = 'active'`);
  const row = rows[0] as ApiKeyRow | undefined;
  if (!row) throw unauthorized("Invalid, revoked or expired API key");
  return {
    kind: "api_key" as const,
    id: row.id,
    tenantId: row.tenant_id,
    role: row.role,
    apiKeyLastUsedAt: row.last_used_ms === null ? null : new Date(row.last_used_ms),
  };
}

/** Records when an API key was last used (callers throttle this to once a minute). */
export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
}
