import { and, eq, inArray, sql } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { policyUploads } from "../../db/schema";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { createOcr } from "../../providers/ocr";
import { createStorage } from "../../providers/storage";
import { backoffSeconds } from "../documents/documents.jobs";
import { emitWebhookEvent } from "../webhooks/emit";
import { PolicyJobSchema } from "./policies.jobs";
import { uploadPublisher } from "./policy-events";
import { kickSnapshots } from "./policy-snapshots";
import { runPolicyJob } from "./processing";

/** Queue consumer of policy uploads. One message at a time, so a corrupt file fails alone. */
export async function consumePolicyJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps = {
    db,
    storage: createStorage(config, env.DOCUMENTS_BUCKET),
    ocr: createOcr(config),
    llm: { db, config },
    publish: uploadPublisher(env),
  };
  try {
    for (const message of batch.messages) {
      const job = PolicyJobSchema.safeParse(message.body);
      if (!job.success) {
        log("error", "dropping malformed policy job", { queue: batch.queue, id: message.id });
        message.ack();
        continue;
      }
      const context = { uploadId: job.data.uploadId, tenantId: job.data.tenantId, attempt: message.attempts };
      try {
        const outcome = await runPolicyJob(deps, job.data);
        log("info", "policy job", { ...context, outcome: outcome.kind });
        // Textract is still reading: the check comes back as a delayed message, nothing waits here.
        if (outcome.kind === "poll")
          await env.POLICY_QUEUE.send(
            { ...job.data, textract: outcome.poll },
            { delaySeconds: outcome.delaySeconds },
          );
        if (outcome.kind === "extracted")
          await kickSnapshots(env.POLICY_SNAPSHOT_QUEUE, [
            { policyId: outcome.policyId, tenantId: job.data.tenantId },
          ]);
        if (outcome.kind === "extracted" && outcome.status === "saved")
          await emitWebhookEvent(env, job.data.tenantId, "policy.saved", { policyId: outcome.policyId });
        message.ack();
      } catch (error) {
        // Storage or the database failed: the file itself may be fine, so try again later.
        log("error", "policy job crashed", { ...context, ...describeError(error) });
        message.retry({ delaySeconds: backoffSeconds(config.DOCUMENT_RETRY_BASE_SECONDS, message.attempts) });
      }
    }
  } finally {
    await close();
  }
}

/** Dead-letter consumer: an upload whose job exhausted its retries is marked failed, with a reason. */
export async function consumeDeadPolicyJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  try {
    for (const message of batch.messages) {
      const job = PolicyJobSchema.safeParse(message.body);
      if (job.success) {
        const { uploadId, tenantId, generation } = job.data;
        const marked = await db
          .update(policyUploads)
          .set({
            status: "failed",
            failureCode: "retries_exhausted",
            reason: sql`'Gave up after ' || ${policyUploads.attempts} || ' attempt(s): storage or database unavailable'`,
          })
          .where(
            and(
              eq(policyUploads.id, uploadId),
              eq(policyUploads.tenantId, tenantId),
              eq(policyUploads.generation, generation),
              inArray(policyUploads.status, ["uploaded", "extracting"]),
            ),
          )
          .returning({ id: policyUploads.id, reason: policyUploads.reason });
        log("warn", "policy job dead-lettered", { uploadId, tenantId, markedFailed: marked.length > 0 });
        for (const upload of marked)
          await uploadPublisher(env)(tenantId, { id: upload.id, state: "failed", reason: upload.reason });
      }
      message.ack();
    }
  } finally {
    await close();
  }
}
