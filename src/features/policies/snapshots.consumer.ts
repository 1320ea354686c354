import { openDatabase } from "../../db/client";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { createStorage } from "../../providers/storage";
import { backoffSeconds } from "../documents/documents.jobs";
import { requeueUnsyncedSnapshots, SnapshotJobSchema, syncSnapshot } from "./policy-snapshots";

// A snapshot younger than this is presumably still on its way through the queue.
const REQUEUE_GRACE_MS = 60_000;

/** Queue consumer of policy snapshots: writes each to storage; storage down means retry later. */
export async function consumePolicySnapshots(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps = { db, storage: createStorage(config, env.DOCUMENTS_BUCKET), prefix: config.STORAGE_PREFIX };
  try {
    for (const message of batch.messages) {
      const job = SnapshotJobSchema.safeParse(message.body);
      if (!job.success) {
        log("error", "dropping malformed snapshot job", { queue: batch.queue, id: message.id });
        message.ack();
        continue;
      }
      try {
        const outcome = await syncSnapshot(deps, job.data);
        log("info", "policy snapshot", { policyId: job.data.policyId, outcome });
        message.ack();
      } catch (error) {
        log("warn", "policy snapshot failed", {
          policyId: job.data.policyId,
          attempt: message.attempts,
          ...describeError(error),
        });
        message.retry({ delaySeconds: backoffSeconds(config.DOCUMENT_RETRY_BASE_SECONDS, message.attempts) });
      }
    }
  } finally {
    await close();
  }
}

/** Cron: re-queues the snapshots storage has not taken yet. */
export async function requeuePolicySnapshots(env: Env): Promise<void> {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    const queued = await requeueUnsyncedSnapshots(db, env.POLICY_SNAPSHOT_QUEUE, REQUEUE_GRACE_MS);
    log("info", "policy snapshots re-queued", { count: queued });
  } finally {
    await close();
  }
}
