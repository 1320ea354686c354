import type { webhookDeliveries, webhookEndpoints } from "../../db/schema";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** An endpoint as the API shows it (never its secret). */
export const webhookView = (row: typeof webhookEndpoints.$inferSelect) => ({
  id: row.id,
  url: row.url,
  description: row.description,
  events: row.events,
  enabled: row.enabled,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** One delivery of the log (never its body). */
export const deliveryView = (row: typeof webhookDeliveries.$inferSelect) => ({
  id: row.id,
  eventId: row.eventId,
  eventType: row.eventType,
  status: row.status,
  attempts: row.attempts,
  responseStatus: row.responseStatus,
  lastError: row.lastError,
  nextAttemptAt: iso(row.nextAttemptAt),
  lastAttemptAt: iso(row.lastAttemptAt),
  deliveredAt: iso(row.deliveredAt),
  createdAt: row.createdAt.toISOString(),
});
