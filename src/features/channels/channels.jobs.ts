import { z } from "zod";
import { text } from "../../lib/text";

/**
 * One verified webhook delivery, as received: its raw body (or, above the queue's message size, the
 * storage key it was parked under). The consumer parses it; the route never does.
 */
export const ChannelDeliverySchema = z.object({
  channelId: z.uuid(),
  tenantId: z.uuid(),
  receivedAt: z.number().int(),
  body: text().optional(),
  storageKey: text().optional(),
});

export type ChannelDelivery = z.infer<typeof ChannelDeliverySchema>;

declare global {
  interface Env {
    // wrangler types cannot know what a queue carries; the webhook routes send this.
    CHANNEL_QUEUE: Queue<ChannelDelivery>;
  }
}

/** Deliveries larger than this (bytes) are parked in object storage: a queue message holds 128 KB. */
export const INLINE_DELIVERY_BYTES = 100 * 1024;

/** Where a large delivery is parked until the consumer has handled it. */
export const deliveryKey = (prefix: string, tenantId: string, channelId: string, id: string) =>
  `${prefix}${tenantId}/channels/${channelId}/deliveries/${id}.json`;
