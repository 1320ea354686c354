import { z } from "@hono/zod-openapi";
import { webhookDeliveryStatuses, webhookEventTypes } from "../../db/schema";
import { nonEmptyUpdate } from "../../lib/route-helpers";
import { text } from "../../lib/text";

const EventList = z
  .array(z.enum(webhookEventTypes))
  .min(1)
  .max(webhookEventTypes.length)
  .openapi({
    description: "The event types sent to this URL",
    example: ["conversation.created", "message.created"],
  });
const Url = text().max(2000).openapi({
  description: "http(s) URL that receives POSTs; no private or loopback addresses",
  example: "https://example.com/hooks/switchboard",
});
const Description = text().trim().max(200).openapi({ example: "CRM sync" });

export const CreateWebhookBody = z
  .object({
    url: Url,
    events: EventList,
    description: Description.optional(),
    enabled: z.boolean().default(true),
  })
  .openapi("CreateWebhook");

export const UpdateWebhookBody = nonEmptyUpdate(
  z.object({
    url: Url.optional(),
    events: EventList.optional(),
    description: Description.nullable().optional(),
    enabled: z.boolean().optional(),
  }),
).openapi("UpdateWebhook");

export const WebhookSchema = z
  .object({
    id: z.uuid(),
    url: text(),
    description: text().nullable(),
    events: z.array(z.enum(webhookEventTypes)),
    enabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Webhook");

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: text().openapi({
    description: "The signing secret (whsec_…). Shown once; store it now (docs/webhooks.md).",
  }),
}).openapi("CreatedWebhook");

export const DeliverySchema = z
  .object({
    id: z.uuid().openapi({ description: "The X-Switchboard-Delivery header: the same on every attempt" }),
    eventId: z.uuid(),
    eventType: z.enum(webhookEventTypes),
    status: z.enum(webhookDeliveryStatuses),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable().openapi({ description: "HTTP status of the last attempt" }),
    lastError: text().nullable(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastAttemptAt: z.iso.datetime().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("WebhookDelivery");

export const DeliveriesQuery = z.object({
  status: z.enum(webhookDeliveryStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const DeliveryParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  deliveryId: z.uuid().openapi({ param: { name: "deliveryId", in: "path" } }),
});
