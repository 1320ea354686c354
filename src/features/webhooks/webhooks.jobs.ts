import { z } from "zod";
import { type WebhookEventType, webhookEventTypes } from "../../db/schema";
import { text } from "../../lib/text";

/** An event as it happened: fanned out to the tenant's endpoints that listen for its type. */
export const WebhookEventSchema = z.object({
  id: z.uuid(),
  type: z.enum(webhookEventTypes),
  tenantId: z.uuid(),
  createdAt: z.iso.datetime(),
  data: z.record(text(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** A webhook queue message: an event to fan out, or one delivery's next attempt. */
export const WebhookJobSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("event"), event: WebhookEventSchema }),
  z.object({ kind: z.literal("delivery"), deliveryId: z.uuid() }),
]);
export type WebhookJob = z.infer<typeof WebhookJobSchema>;

export type { WebhookEventType };

declare global {
  interface Env {
    // wrangler types cannot know what a queue carries; its producers send this.
    WEBHOOK_QUEUE: Queue<WebhookJob>;
  }
}
