import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants } from "./identity";

export const webhookEventTypes = [
  "conversation.created",
  "conversation.status_changed",
  "message.created",
  "note.created",
  "contact.created",
  "plan.pending",
  "plan.executed",
  "csat.received",
  "policy.saved",
  "document.ready",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const webhookDeliveryStatuses = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** A tenant's URL that receives signed event deliveries (docs/webhooks.md). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text(),
    events: jsonb().$type<WebhookEventType[]>().notNull(),
    /** The signing secret, sealed with ENCRYPTION_KEY (lib/secret-box.ts); shown once at creation. */
    secretEncrypted: text().notNull(),
    enabled: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);

/** One event sent (or to be sent) to one endpoint; its id is the `X-Switchboard-Delivery` header. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    tenantId: uuid().notNull(),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid().notNull(),
    eventType: text().$type<WebhookEventType>().notNull(),
    /** The exact body sent (and signed) on every attempt. */
    body: text().notNull(),
    status: text().$type<WebhookDeliveryStatus>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    responseStatus: integer(),
    lastError: text(),
    /** Retries stop once an attempt would fall past 24 hours after this. */
    windowStartedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    nextAttemptAt: timestamp({ withTimezone: true }),
    lastAttemptAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // One delivery per event and endpoint: a fan-out message delivered twice creates nothing new.
    uniqueIndex().on(t.endpointId, t.eventId),
    index().on(t.endpointId, t.createdAt),
  ],
);
