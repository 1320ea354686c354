import { openDatabase } from "../../db/client";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { createMailer } from "../../providers/email";
import { onWaiting, sendDigest } from "./digest";
import { NotificationJobSchema } from "./notifications.jobs";

/** Notification queue consumer: waiting conversations and digest windows that ended. */
export async function consumeNotificationJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps = { db, env, mailer: createMailer(config), minuteMs: config.DIGEST_MINUTE_SECONDS * 1000 };
  try {
    for (const message of batch.messages) {
      const job = NotificationJobSchema.safeParse(message.body).data;
      if (!job) {
        log("error", "dropping malformed notification job", { queue: batch.queue, id: message.id });
        message.ack();
        continue;
      }
      try {
        if (job.kind === "waiting") await onWaiting(deps, job);
        else await sendDigest(deps, job.userId);
        message.ack();
      } catch (error) {
        log("warn", "notification job failed; will retry", {
          kind: job.kind,
          attempt: message.attempts,
          ...describeError(error),
        });
        message.retry({ delaySeconds: Math.min(600, 5 * 2 ** Math.max(0, message.attempts - 1)) });
      }
    }
  } finally {
    await close();
  }
}

/** Dead letters: a notification that kept failing is dropped (logged with ids only). */
export async function consumeDeadNotificationJobs(batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const job = NotificationJobSchema.safeParse(message.body).data;
    log("error", "notification dead-lettered", { kind: job?.kind ?? null, id: message.id });
    message.ack();
  }
}
