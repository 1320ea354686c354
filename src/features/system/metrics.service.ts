import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { apiKeys, refreshTokens, tenants, users } from "../../db/schema";
import type { Principal } from "../../lib/app-env";

export interface TenantMetrics {
  tenantId: string;
  users: number;
  activeUsers: number;
  activeApiKeys: number;
  activeSessions: number;
}

/** Counts per tenant: every tenant for a platform admin, the caller's own otherwise. */
export async function tenantMetrics(db: Database, principal: Principal): Promise<TenantMetrics[]> {
  const scope = principal.role === "PLATFORM_ADMIN" ? undefined : eq(tenants.id, principal.tenantId);
  const now = new Date();
  const userCounts = db
    .select({
      tenantId: users.tenantId,
      total: count().as("total"),
      active: sql<number>`count(*) filter (where ${users.status} = 'active')`.as("active"),
    })
    .from(users)
    .groupBy(users.tenantId)
    .as("u");
  const keyCounts = db
    .select({ tenantId: apiKeys.tenantId, n: count().as("keys") })
    .from(apiKeys)
    .where(isNull(apiKeys.revokedAt))
    .groupBy(apiKeys.tenantId)
    .as("k");
  const sessionCounts = db
    .select({ tenantId: refreshTokens.tenantId, n: count().as("sessions") })
    .from(refreshTokens)
    .where(
      and(isNull(refreshTokens.revokedAt), isNull(refreshTokens.rotatedAt), gt(refreshTokens.expiresAt, now)),
    )
    .groupBy(refreshTokens.tenantId)
    .as("s");
  const rows = await db
    .select({
      tenantId: tenants.id,
      users: sql<number>`coalesce(${userCounts.total}, 0)::int`,
      activeUsers: sql<number>`coalesce(${userCounts.active}, 0)::int`,
      activeApiKeys: sql<number>`coalesce(${keyCounts.n}, 0)::int`,
      activeSessions: sql<number>`coalesce(${sessionCounts.n}, 0)::int`,
    })
    .from(tenants)
    .leftJoin(userCounts, eq(userCounts.tenantId, tenants.id))
    .leftJoin(keyCounts, eq(keyCounts.tenantId, tenants.id))
    .leftJoin(sessionCounts, eq(sessionCounts.tenantId, tenants.id))
    .where(scope)
    .orderBy(tenants.createdAt);
  return rows;
}

const metricHelp: Record<Exclude<keyof TenantMetrics, "tenantId">, string> = {
  users: "Users in the tenant",
  activeUsers: "Users who can sign in",
  activeApiKeys: "API keys not revoked",
  activeSessions: "Refresh tokens that can still be used",
};

/** Prometheus text exposition of the same counts. */
export function toPrometheus(rows: TenantMetrics[]): string {
  const lines: string[] = [];
  for (const [key, help] of Object.entries(metricHelp) as [keyof typeof metricHelp, string][]) {
    const name = `switchboard_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const row of rows) lines.push(`${name}{tenant_id="${row.tenantId}"} ${row[key]}`);
  }
  return `${lines.join("\n")}\n`;
}
