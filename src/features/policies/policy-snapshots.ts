import { and, asc, eq, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { policies, policySnapshotOutbox } from "../../db/schema";
import { describeError, log } from "../../lib/logger";
import type { Storage } from "../../providers/storage";
import { policyView } from "./policies.views";

/** A queue message: write the JSON snapshot of this policy's current version. */
export const SnapshotJobSchema = z.object({ policyId: z.uuid(), tenantId: z.uuid() });
export type SnapshotJob = z.infer<typeof SnapshotJobSchema>;

declare global {
  interface Env {
    // wrangler types cannot know what a queue carries; its producers send this.
    POLICY_SNAPSHOT_QUEUE: Queue<SnapshotJob>;
  }
}

type Writer = Pick<Database, "insert" | "update">;
type PolicyRow = typeof policies.$inferSelect;

/** Where a policy's JSON snapshot is stored: next to its original PDF, under the tenant's prefix. */
export const policySnapshotKey = (prefix: string, tenantId: string, policyId: string) =>
  `${prefix}${tenantId}/policies/${policyId}.json`;

/** Marks the policy's snapshot as behind (a new version in the outbox) and returns the row as it now
 * is. Call it inside the transaction that changes the policy, so no change is left without its snapshot. */
export async function snapshotDue(tx: Writer, row: PolicyRow): Promise<PolicyRow> {
  const [bumped] = await tx
    .update(policies)
    .set({ snapshotVersion: sql`${policies.snapshotVersion} + 1`, snapshotSyncedAt: null })
    .where(eq(policies.id, row.id))
    .returning();
  if (!bumped) return row;
  await tx
    .insert(policySnapshotOutbox)
    .values({ policyId: row.id, tenantId: row.tenantId, version: bumped.snapshotVersion })
    .onConflictDoUpdate({
      target: policySnapshotOutbox.policyId,
      set: { version: bumped.snapshotVersion, updatedAt: new Date() },
    });
  return bumped;
}

/** Asks the snapshot consumer to write these policies now. A failed send only delays them: the
 * outbox keeps them and the cron re-queues them. */
export async function kickSnapshots(queue: Queue<SnapshotJob>, jobs: SnapshotJob[]): Promise<void> {
  try {
    for (let start = 0; start < jobs.length; start += 100)
      await queue.sendBatch(jobs.slice(start, start + 100).map((body) => ({ body })));
  } catch (error) {
    log("warn", "policy snapshot not queued; the cron will", { count: jobs.length, ...describeError(error) });
  }
}

/** The snapshot's JSON: the record as the API shows it, with its version. */
export function snapshotOf(row: PolicyRow): string {
  const { snapshot: _state, ...view } = policyView(row);
  return JSON.stringify({ version: row.snapshotVersion, tenantId: row.tenantId, ...view });
}

const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");

export type SnapshotOutcome = "synced" | "nothing_due";

/** Writes the policy's current snapshot and, when that version is still the newest, marks it synced
 * and clears the outbox (idempotent: a repeated or stale message writes the same or a newer version).
 * Storage failing throws after recording the error on the outbox row. */
export async function syncSnapshot(
  deps: { db: Database; storage: Storage; prefix: string },
  job: SnapshotJob,
): Promise<SnapshotOutcome> {
  const { db } = deps;
  const [due] = await db
    .select({ policy: policies })
    .from(policySnapshotOutbox)
    .innerJoin(policies, eq(policies.id, policySnapshotOutbox.policyId))
    .where(
      and(eq(policySnapshotOutbox.policyId, job.policyId), eq(policySnapshotOutbox.tenantId, job.tenantId)),
    );
  if (!due) return "nothing_due";
  const row = due.policy;
  const json = snapshotOf(row);
  try {
    await deps.storage.put(
      policySnapshotKey(deps.prefix, row.tenantId, row.id),
      new TextEncoder().encode(json),
      "application/json",
    );
  } catch (error) {
    const lastError = error instanceof Error ? `${error.name}: ${error.message}` : "storage failed";
    await db
      .update(policySnapshotOutbox)
      .set({ attempts: sql`${policySnapshotOutbox.attempts} + 1`, lastError: lastError.slice(0, 500) })
      .where(eq(policySnapshotOutbox.policyId, row.id));
    throw error;
  }
  const etag = await sha256(json);
  await db.transaction(async (tx) => {
    await tx
      .update(policies)
      .set({ snapshotSyncedAt: new Date(), snapshotEtag: etag, updatedAt: row.updatedAt })
      .where(and(eq(policies.id, row.id), eq(policies.snapshotVersion, row.snapshotVersion)));
    await tx
      .delete(policySnapshotOutbox)
      .where(
        and(eq(policySnapshotOutbox.policyId, row.id), eq(policySnapshotOutbox.version, row.snapshotVersion)),
      );
  });
  return "synced";
}

/** The cron's part: re-queues snapshots still behind after `graceMs` (their message was lost, or
 * storage was down through every retry), oldest first, at most `limit` per run. */
export async function requeueUnsyncedSnapshots(
  db: Database,
  queue: Queue<SnapshotJob>,
  graceMs: number,
  limit = 500,
): Promise<number> {
  const rows = await db
    .select({ policyId: policySnapshotOutbox.policyId, tenantId: policySnapshotOutbox.tenantId })
    .from(policySnapshotOutbox)
    .where(lt(policySnapshotOutbox.updatedAt, new Date(Date.now() - graceMs)))
    .orderBy(asc(policySnapshotOutbox.updatedAt))
    .limit(limit);
  if (rows.length > 0) await queue.sendBatch(rows.map((body) => ({ body })));
  return rows.length;
}
