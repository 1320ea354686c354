import type { WebhookEventType } from "../../db/schema";
import { uuidv7 } from "../../lib/ids";
import { describeError, log } from "../../lib/logger";
import { inboxClient } from "../inbox/inbox-client";

/**
 * Announces an event to the tenant's webhook endpoints (docs/webhooks.md). Never throws: unless no
 * enabled endpoint wants it (the tenant's inbox keeps that list), the event goes onto the webhook
 * queue (queueWebhookEvent). `data` must be JSON (it is the `data` of the signed body).
 */
export async function emitWebhookEvent(
  env: Env,
  tenantId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<void> {
  // No queue message, and no fan-out query, for an event nobody wants.
  if (!(await inboxClient(env, tenantId).wantsWebhook(type))) return;
  await queueWebhookEvent(env, tenantId, type, data);
}

/**
 * Puts an event some endpoint wants onto the webhook queue, whose consumer finds the endpoints
 * listening for `type` and delivers to each with retries. Never throws: a failure to enqueue is
 * logged, and must not fail the writer of the fact.
 */
export async function queueWebhookEvent(
  env: Env,
  tenantId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<void> {
  const now = Date.now();
  try {
    await env.WEBHOOK_QUEUE.send({
      kind: "event",
      // JSON round trip: what is queued is exactly what will be signed (dates as strings, no undefined).
      event: {
        id: uuidv7(now),
        type,
        tenantId,
        createdAt: new Date(now).toISOString(),
        data: JSON.parse(JSON.stringify(data)),
      },
    });
  } catch (error) {
    log("warn", "webhook event not queued", { tenantId, type, ...describeError(error) });
  }
}
