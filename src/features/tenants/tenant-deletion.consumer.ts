import { and, eq, ne, sql } from "drizzle-orm";
import { type Database, openDatabase } from "../../db/client";
import { tenantDeletions } from "../../db/schema";
import { loadConfig } from "../../env";
import { log } from "../../lib/logger";
import { createStorage } from "../../providers/storage";
import { errorSummary, type TenantDeletionJob, TenantDeletionJobSchema } from "./tenant-deletion.jobs";
import { type DeletionDeps, runDeletionSlice } from "./tenant-deletion.steps";

const MAX_BACKOFF_SECONDS = 10 * 60;

/** Queue consumer of tenant deletions: one slice per message, then a message for the next slice. */
export async function consumeTenantDeletions(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps: DeletionDeps = {
    db,
    env,
    storage: createStorage(config, env.DOCUMENTS_BUCKET),
    storagePrefix: config.STORAGE_PREFIX,
    sliceSize: config.TENANT_DELETION_SLICE,
  };
  try {
    for (const message of batch.messages) {
      const job = TenantDeletionJobSchema.safeParse(message.body);
      if (!job.success) {
        log("error", "dropping malformed tenant deletion job", { queue: batch.queue, id: message.id });
        message.ack();
        continue;
      }
      await handle(deps, message, job.data);
    }
  } finally {
    await close();
  }
}

async function handle(deps: DeletionDeps, message: Message<unknown>, job: TenantDeletionJob): Promise<void> {
  const { db, env } = deps;
  const context = { jobId: job.jobId, tenantId: job.tenantId, slice: job.slice, attempt: message.attempts };
  try {
    const [row] = await db.select().from(tenantDeletions).where(eq(tenantDeletions.id, job.jobId));
    // Done, or a duplicate of a slice already recorded: nothing to do.
    if (!row || row.status === "done" || row.slices !== job.slice) {
      log("info", "tenant deletion message skipped", { ...context, recorded: row?.slices ?? null });
      return message.ack();
    }
    const outcome = await runDeletionSlice(deps, row.tenantId, row.step);
    const counts = { ...row.counts };
    for (const [name, count] of Object.entries(outcome.removed)) counts[name] = (counts[name] ?? 0) + count;
    const done = outcome.next === "done";
    // Only the delivery that still sees `slices` unchanged records its slice and sends the next one.
    const [recorded] = await db
      .update(tenantDeletions)
      .set({
        step: outcome.next,
        counts,
        slices: row.slices + 1,
        status: done ? "done" : "running",
        lastError: null,
        ...(done ? { finishedAt: new Date() } : {}),
      })
      .where(and(eq(tenantDeletions.id, row.id), eq(tenantDeletions.slices, row.slices)))
      .returning();
    log("info", "tenant deletion slice", {
      ...context,
      step: row.step,
      next: outcome.next,
      ...outcome.removed,
    });
    if (recorded && !done) await env.TENANT_DELETION_QUEUE.send({ ...job, slice: recorded.slices });
    message.ack();
  } catch (error) {
    // The summary, not the stack: a storage SDK's stack alone runs past 2 KB.
    const lastError = errorSummary(error);
    log("error", "tenant deletion slice failed", { ...context, error: lastError });
    await recordError(db, job, lastError).catch(() => undefined);
    message.retry({
      delaySeconds: Math.min(MAX_BACKOFF_SECONDS, 5 * 2 ** Math.max(0, message.attempts - 1)),
    });
  }
}

function recordError(db: Database, job: TenantDeletionJob, lastError: string) {
  return db
    .update(tenantDeletions)
    .set({ lastError })
    .where(and(eq(tenantDeletions.id, job.jobId), ne(tenantDeletions.status, "done")));
}

/**
 * Dead-letter consumer: a slice that exhausted its retries marks the job failed with its last error.
 * A platform admin resumes it by repeating the deletion request.
 */
export async function consumeDeadTenantDeletions(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    for (const message of batch.messages) {
      const job = TenantDeletionJobSchema.safeParse(message.body);
      if (job.success) {
        const [row] = await db
          .update(tenantDeletions)
          .set({
            status: "failed",
            lastError: sql`'Gave up after the queue''s retries: ' || coalesce(${tenantDeletions.lastError}, 'unknown error')`,
          })
          .where(
            and(
              eq(tenantDeletions.id, job.data.jobId),
              eq(tenantDeletions.slices, job.data.slice),
              eq(tenantDeletions.status, "running"),
            ),
          )
          .returning({ id: tenantDeletions.id });
        log("warn", "tenant deletion dead-lettered", { ...job.data, markedFailed: Boolean(row) });
      }
      message.ack();
    }
  } finally {
    await close();
  }
}
