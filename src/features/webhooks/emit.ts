import type { WebhookEventType } from "../../db/schema";
import { uuidv7 } from "../../lib/ids";
import { describeError, log } from "../../lib/logger";

/**
 * Announces an event to the tenant's webhook endpoints (docs/webhooks.md). Never throws: the event
 * goes onto the webhook queue, whose consumer finds the endpoints listening for `type` and delivers
 * to each with retries; a failure to enqueue is logged, and must not fail the writer of the fact.
 * `data` must be JSON (it is the `data` of the signed body).
 */
export async function emitWebhookEvent(
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
