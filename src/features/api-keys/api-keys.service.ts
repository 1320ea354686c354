import { and, desc, eq, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { apiKeys, type Role } from "../../db/schema";
import type { Principal } from "../../lib/app-env";
import { randomToken, sha256 } from "../../lib/crypto";
import { notFound } from "../../lib/errors";
import { isoOrNull } from "../../lib/time";
import { API_KEY_PREFIX } from "../auth/principal.service";

type ApiKeyRow = typeof apiKeys.$inferSelect;

function apiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    lastUsedAt: isoOrNull(row.lastUsedAt),
    expiresAt: isoOrNull(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Creates a key for the caller's tenant; the secret is returned here and never again. */
export async function createApiKey(
  db: Database,
  principal: Principal,
  input: { name: string; role: Exclude<Role, "PLATFORM_ADMIN">; expiresAt?: string },
) {
  const prefix = `${API_KEY_PREFIX}${[...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  const key = `${prefix}_${randomToken(32)}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      tenantId: principal.tenantId,
      name: input.name,
      prefix,
      keyHash: await sha256(key),
      role: input.role,
      createdBy: principal.kind === "user" ? principal.id : null,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    })
    .returning();
  if (!row) throw new Error("api key insert returned nothing");
  return { ...apiKeyView(row), key };
}

export async function listApiKeys(db: Database, principal: Principal) {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, principal.tenantId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(apiKeyView);
}

export async function revokeApiKey(db: Database, principal: Principal, id: string) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, principal.tenantId), isNull(apiKeys.revokedAt)))
    .returning();
  if (!row) throw notFound("API key");
}
