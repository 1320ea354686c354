import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { documents } from "../../db/schema";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { createEmbeddings } from "../../providers/embeddings";
import { createOcr } from "../../providers/ocr";
import { createStorage } from "../../providers/storage";
import { emitWebhookEvent } from "../webhooks/emit";
import { inboxPublisher } from "./documents.events";
import { backoffSeconds, type DocumentJob, DocumentJobSchema } from "./documents.jobs";
import { statusView } from "./documents.views";
import { type ProcessDeps, runDocumentJob } from "./processing";

/** Queue consumer of document jobs. Messages are handled one at a time so one bad file fails alone. */
export async function consumeDocumentJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps: ProcessDeps = {
    db,
    storage: createStorage(config, env.DOCUMENTS_BUCKET),
    ocr: createOcr(config),
    embeddings: createEmbeddings(config),
    publish: inboxPublisher(env),
    maxPages: config.DOCUMENT_MAX_PAGES,
    storagePrefix: config.STORAGE_PREFIX,
    sliceMs: config.DOCUMENT_SLICE_SECONDS * 1000,
  };
  try {
    for (const message of batch.messages) {
      const job = DocumentJobSchema.safeParse(message.body);
      if (!job.success) {
        log("error", "dropping malformed document job", { queue: batch.queue, id: message.id });
        message.ack();
        continue;
      }
      await handle(deps, env, message, job.data, config.DOCUMENT_RETRY_BASE_SECONDS);
    }
  } finally {
    await close();
  }
}

async function handle(
  deps: ProcessDeps,
  env: Env,
  message: Message<unknown>,
  job: DocumentJob,
  retryBase: number,
): Promise<void> {
  const context = { documentId: job.documentId, tenantId: job.tenantId, attempt: message.attempts };
  try {
    const outcome = await runDocumentJob(deps, job);
    log("info", "document job", { ...context, outcome: outcome.kind, ...outcome });
    if (outcome.kind === "continue") {
      await env.DOCUMENT_QUEUE.send(job);
      message.ack();
    } else if (outcome.kind === "poll") {
      // A fresh message, not a retry: waiting for Textract is not a failed attempt.
      await env.DOCUMENT_QUEUE.send(job, { delaySeconds: outcome.delaySeconds });
      message.ack();
    } else if (outcome.kind === "retry") {
      message.retry({ delaySeconds: backoffSeconds(retryBase, message.attempts) });
    } else if (outcome.kind === "busy") {
      message.retry({ delaySeconds: outcome.retryInSeconds });
    } else {
      if (outcome.kind === "done" && outcome.status === "ready")
        await emitWebhookEvent(env, job.tenantId, "document.ready", { documentId: job.documentId });
      message.ack();
    }
  } catch (error) {
    // The database itself failed (the outcome could not even be recorded): try again later.
    log("error", "document job crashed", { ...context, ...describeError(error) });
    message.retry({ delaySeconds: backoffSeconds(retryBase, message.attempts) });
  }
}

/**
 * Dead-letter consumer: a job that exhausted its retries marks its document failed with the last
 * error, unless the document moved on meanwhile (finished, re-queued as a newer generation, or busy).
 */
export async function consumeDeadDocumentJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const publish = inboxPublisher(env);
  try {
    for (const message of batch.messages) {
      const job = DocumentJobSchema.safeParse(message.body);
      if (job.success) {
        const { documentId, tenantId, generation } = job.data;
        const [row] = await db
          .update(documents)
          .set({
            status: "failed",
            error: sql`'Gave up after ' || ${documents.attempts} || ' attempt(s): ' || coalesce(${documents.error}, 'unknown error')`,
            leaseToken: null,
            leaseUntil: null,
          })
          .where(
            and(
              eq(documents.id, documentId),
              eq(documents.tenantId, tenantId),
              eq(documents.generation, generation),
              inArray(documents.status, ["queued", "processing"]),
              or(isNull(documents.leaseUntil), lt(documents.leaseUntil, sql`now()`)),
            ),
          )
          .returning();
        log("warn", "document job dead-lettered", { documentId, tenantId, markedFailed: Boolean(row) });
        if (row)
          await publish(tenantId, {
            type: "document.updated",
            document: { ...statusView(row), title: row.title },
          });
      }
      message.ack();
    }
  } finally {
    await close();
  }
}
