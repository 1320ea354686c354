import { and, eq } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { webhookDeliveries } from "../../db/schema";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { attemptDelivery, type DeliveryDeps, fanOut } from "./webhooks.delivery";
import { WebhookJobSchema } from "./webhooks.jobs";

const MAX_BACKOFF_SECONDS = 10 * 60;

/** Webhook queue consumer: fans events out to endpoints and makes delivery attempts. */
export async function consumeWebhookJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps: DeliveryDeps = { db, env, config, retryBaseSeconds: config.WEBHOOK_RETRY_BASE_SECONDS };
  try {
    for (const message of batch.messages) {
      const job = WebhookJobSchema.safeParse(message.body);
      if (!job.success) {
        log("error", "dropping malformed webhook job", { queue: batch.queue, id: message.id });
        message.ack();
        continue;
      }
      try {
        if (job.data.kind === "event") await fanOut(deps, job.data.event);
        else await attemptDelivery(deps, job.data.deliveryId);
        message.ack();
      } catch (error) {
        // Postgres or the queue itself failed (an endpoint's failure is recorded, not thrown).
        log("warn", "webhook job failed; will retry", {
          kind: job.data.kind,
          attempt: message.attempts,
          ...describeError(error),
        });
        message.retry({
          delaySeconds: Math.min(MAX_BACKOFF_SECONDS, 5 * 2 ** Math.max(0, message.attempts - 1)),
        });
      }
    }
  } finally {
    await close();
  }
}

/** Dead letters: a delivery whose job kept failing is marked failed; a lost fan-out is logged. */
export async function consumeDeadWebhookJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    for (const message of batch.messages) {
      const job = WebhookJobSchema.safeParse(message.body).data;
      if (job?.kind === "delivery") {
        await db
          .update(webhookDeliveries)
          .set({ status: "failed", lastError: "Gave up after the queue's retries", nextAttemptAt: null })
          .where(and(eq(webhookDeliveries.id, job.deliveryId), eq(webhookDeliveries.status, "pending")));
      } else if (job) {
        log("error", "webhook event dead-lettered", { tenantId: job.event.tenantId, type: job.event.type });
      }
      message.ack();
    }
  } finally {
    await close();
  }
}
