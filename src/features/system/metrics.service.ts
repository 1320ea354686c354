import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { tenants } from "../../db/schema";
import type { Principal } from "../../lib/app-env";
import { inboxClient } from "../inbox/inbox-client";

/** Per-tenant gauges as scalar subqueries (`tenants.id` is spelled out: drizzle leaves single-table columns unqualified). */
const countQueries = {
  users: sql<number>`(select count(*)::int from users x where x.tenant_id = tenants.id)`,
  activeUsers: sql<number>`(select count(*)::int from users x where x.tenant_id = tenants.id and x.status = 'active')`,
  activeApiKeys: sql<number>`(select count(*)::int from api_keys x where x.tenant_id = tenants.id and x.revoked_at is null)`,
  activeSessions: sql<number>`(select count(*)::int from refresh_tokens x where x.tenant_id = tenants.id
    and x.revoked_at is null and x.rotated_at is null and x.expires_at > now())`,
  conversations: sql<number>`(select count(*)::int from conversations x where x.tenant_id = tenants.id)`,
  openConversations: sql<number>`(select count(*)::int from conversations x where x.tenant_id = tenants.id
    and x.status in ('open', 'pending_human', 'with_human'))`,
  messages: sql<number>`(select count(*)::int from messages x where x.tenant_id = tenants.id)`,
};

const metricHelp = {
  users: "Users in the tenant",
  activeUsers: "Users who can sign in",
  activeApiKeys: "API keys not revoked",
  activeSessions: "Refresh tokens that can still be used",
  conversations: "Conversations",
  openConversations: "Conversations not resolved or expired",
  messages: "Messages stored in Postgres",
  outboxPending: "Messages and receipts waiting in rooms to be copied to Postgres",
  flushLagSeconds: "Age of the oldest item waiting to be copied to Postgres",
  outboxDead:
    "Rows Postgres refused for good, kept in rooms as dead letters (GET /api/conversations/{id}/outbox)",
} as const;

export type TenantMetrics = { tenantId: string } & Record<keyof typeof metricHelp, number>;

// A platform admin's view asks every tenant's inbox for its lag; cap the fan-out.
const MAX_TENANTS = 200;

/** Counts per tenant: every tenant for a platform admin, the caller's own otherwise. */
export async function tenantMetrics(db: Database, env: Env, principal: Principal): Promise<TenantMetrics[]> {
  const scope = principal.role === "PLATFORM_ADMIN" ? undefined : eq(tenants.id, principal.tenantId);
  const rows = await db
    .select({ tenantId: tenants.id, ...countQueries })
    .from(tenants)
    .where(scope)
    .orderBy(tenants.createdAt)
    .limit(MAX_TENANTS);
  return Promise.all(
    rows.map(async (row) => {
      const lag = await inboxClient(env, row.tenantId).flushLag();
      return { ...row, outboxPending: lag.pending, flushLagSeconds: lag.lagSeconds, outboxDead: lag.dead };
    }),
  );
}

/** Prometheus text exposition of the same gauges. */
export function toPrometheus(rows: TenantMetrics[]): string {
  const lines: string[] = [];
  for (const [key, help] of Object.entries(metricHelp) as [keyof typeof metricHelp, string][]) {
    const name = `switchboard_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const row of rows) lines.push(`${name}{tenant_id="${row.tenantId}"} ${row[key]}`);
  }
  return `${lines.join("\n")}\n`;
}
