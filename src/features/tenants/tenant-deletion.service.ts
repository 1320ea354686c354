import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { apiKeys, refreshTokens, tenantDeletions, tenants, users, widgetKeys } from "../../db/schema";
import type { Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { describeError, log } from "../../lib/logger";
import { errorSummary, type TenantDeletionJob } from "./tenant-deletion.jobs";
import { scopeTenant } from "./tenants.service";

type DeletionRow = typeof tenantDeletions.$inferSelect;

// A running job untouched this long has probably lost its message: a repeated request sends another.
const STALE_MS = 5 * 60_000;

export interface DeletionRequestDeps {
  db: Database;
  principal: Principal;
  queue: Queue<TenantDeletionJob>;
}

/** The public shape of a deletion job. */
export function deletionView(row: DeletionRow) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    status: row.status,
    step: row.step,
    counts: row.counts,
    lastError: row.lastError,
    requestedBy: row.requestedBy,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Refuses a principal that may not delete this tenant (callers run this before reading the body). */
export function checkMayDelete(principal: Principal, tenantId: string): void {
  scopeTenant(principal, tenantId);
  if (principal.kind !== "user") {
    throw new AppError(
      "forbidden",
      "API keys cannot delete a tenant: sign in as a tenant admin (own tenant) or a platform admin",
    );
  }
}

/**
 * Starts deleting a tenant: cuts off its users, keys and widget keys at once, records the job and
 * queues its first slice. Repeating the request for a failed or stalled job resumes it.
 */
export async function requestTenantDeletion(deps: DeletionRequestDeps, tenantId: string, confirm: string) {
  const { db, principal } = deps;
  checkMayDelete(principal, tenantId);
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) throw notFound("Tenant");
  if (confirm !== tenant.slug) {
    throw new AppError("validation_failed", "Invalid request body", [
      { path: "confirm", message: "must be the tenant's slug, exactly (GET /api/tenants/{id} shows it)" },
    ]);
  }
  if (tenant.status === "deleting") return resume(deps, tenantId);
  const [platformAdmin] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, "PLATFORM_ADMIN")))
    .limit(1);
  if (platformAdmin) {
    throw new AppError(
      "conflict",
      "This tenant holds platform admin accounts: remove them before deleting it",
    );
  }
  const job = await db.transaction(async (tx) => {
    const [marked] = await tx
      .update(tenants)
      .set({ status: "deleting" })
      .where(and(eq(tenants.id, tenantId), eq(tenants.status, tenant.status)))
      .returning({ id: tenants.id });
    if (!marked) return null;
    const now = new Date();
    await tx.update(users).set({ status: "deactivated" }).where(eq(users.tenantId, tenantId));
    await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)));
    await tx
      .update(widgetKeys)
      .set({ revokedAt: now })
      .where(and(eq(widgetKeys.tenantId, tenantId), isNull(widgetKeys.revokedAt)));
    await tx
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.tenantId, tenantId), isNull(refreshTokens.revokedAt)));
    const [row] = await tx
      .insert(tenantDeletions)
      .values({ tenantId, tenantName: tenant.name, tenantSlug: tenant.slug, requestedBy: principal.id })
      .returning();
    return row ?? null;
  });
  // Another request changed the tenant's status meanwhile (e.g. the same deletion, twice).
  if (!job) return resume(deps, tenantId);
  log("info", "tenant deletion requested", { jobId: job.id, tenantId, by: principal.id });
  return enqueue(deps, job);
}

async function resume(deps: DeletionRequestDeps, tenantId: string) {
  const { db } = deps;
  const [job] = await db.select().from(tenantDeletions).where(eq(tenantDeletions.tenantId, tenantId));
  if (!job) throw notFound("Tenant deletion");
  const stalled = job.status === "running" && job.updatedAt.getTime() < Date.now() - STALE_MS;
  if (job.status !== "failed" && !stalled) return deletionView(job);
  const [resumed] = await db
    .update(tenantDeletions)
    .set({ status: "running" })
    .where(eq(tenantDeletions.id, job.id))
    .returning();
  log("info", "tenant deletion resumed", { jobId: job.id, tenantId, slice: job.slices });
  return enqueue(deps, resumed ?? job);
}

async function enqueue({ db, queue }: DeletionRequestDeps, job: DeletionRow) {
  try {
    await queue.send({ jobId: job.id, tenantId: job.tenantId, slice: job.slices });
  } catch (error) {
    log("error", "could not queue a tenant deletion", { jobId: job.id, ...describeError(error) });
    await db
      .update(tenantDeletions)
      .set({ status: "failed", lastError: errorSummary(error) })
      .where(eq(tenantDeletions.id, job.id));
    throw new AppError(
      "service_unavailable",
      "The deletion was recorded but could not be queued; a platform admin resumes it by repeating the request",
    );
  }
  return deletionView(job);
}

/** A tenant's deletion job (platform admins; the tenant's own accounts stop working when it starts). */
export async function getTenantDeletion(
  { db, principal }: { db: Database; principal: Principal },
  id: string,
) {
  const [job] = await db
    .select()
    .from(tenantDeletions)
    .where(eq(tenantDeletions.tenantId, scopeTenant(principal, id)));
  if (!job) throw notFound("Tenant deletion");
  return deletionView(job);
}
