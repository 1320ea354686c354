import { integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "../columns";

/** The order in which a tenant deletion removes what the tenant owns (the tenant row goes last). */
export const tenantDeletionSteps = ["conversations", "rows", "objects", "inbox", "tenant", "done"] as const;
export type TenantDeletionStep = (typeof tenantDeletionSteps)[number];
export type TenantDeletionStatus = "running" | "done" | "failed";

/**
 * One tenant's deletion: queued work that runs in slices. It has no foreign key to the tenant, so the
 * record (who asked, what was removed, when) outlives it. `slices` counts the slices done; each queue
 * message carries the number it continues from, so a duplicated or stale message does no work.
 */
export const tenantDeletions = pgTable("tenant_deletions", {
  id: id(),
  tenantId: uuid().notNull().unique(),
  tenantName: text().notNull(),
  tenantSlug: text().notNull(),
  /** The user who asked (no foreign key: that user is deleted too). */
  requestedBy: uuid().notNull(),
  status: text().$type<TenantDeletionStatus>().notNull().default("running"),
  step: text().$type<TenantDeletionStep>().notNull().default("conversations"),
  /** What each step removed so far: conversations (rooms), rows, objects, inbox. */
  counts: jsonb().$type<Record<string, number>>().notNull().default({}),
  slices: integer().notNull().default(0),
  lastError: text(),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
});
