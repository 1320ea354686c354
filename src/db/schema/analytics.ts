import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import type { BusinessHours } from "./agents";
import { conversations } from "./conversations";
import { tenants } from "./identity";

/** Who caused an analytics event: a person (staff or customer), the AI, or the system (timers, jobs). */
export const analyticsActors = ["human", "ai", "system"] as const;
export type AnalyticsActor = (typeof analyticsActors)[number];

/**
 * Append-only facts the metrics are computed from, written by the owner of each fact through its
 * outbox. `key` makes a replayed outbox row a no-op (unique per tenant); `valueS` is the event's
 * duration in calendar seconds where it has one, `valueBhS` the same span in the tenant's business hours.
 */
export const analyticsEvents = pgTable(
  "analytics_events",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    key: text().notNull(),
    conversationId: uuid(),
    name: text().notNull(),
    actor: text().$type<AnalyticsActor>().notNull(),
    channel: text(),
    agentId: uuid(),
    userId: uuid(),
    valueS: integer(),
    valueBhS: integer(),
    dims: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex().on(t.tenantId, t.key),
    // Every catalog query scans one tenant's events by name and time and reads only these columns:
    // holding them in the key lets Postgres answer from the index alone (no heap visits).
    index("analytics_events_metric_scan_index").on(
      t.tenantId,
      t.name,
      t.at,
      t.actor,
      t.conversationId,
      t.channel,
      t.agentId,
      t.userId,
      t.valueS,
      t.valueBhS,
    ),
    index().on(t.tenantId, t.conversationId, t.at),
  ],
);

/** Daily totals per tenant × metric × dimension (`dimension` '' for the tenant total), rebuilt by the scheduled job. */
export const analyticsRollups = pgTable(
  "analytics_rollups",
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    metric: text().notNull(),
    dimensionType: text().notNull().default(""),
    dimension: text().notNull().default(""),
    day: text().notNull(),
    count: bigint({ mode: "number" }).notNull().default(0),
    sumValue: bigint({ mode: "number" }).notNull().default(0),
    sumValueBh: bigint({ mode: "number" }).notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex().on(t.tenantId, t.metric, t.dimensionType, t.dimension, t.day)],
);

/**
 * What the AI rates need of one conversation on one UTC day (its rate events of that day), rebuilt
 * with the daily rollups. Across days the flags combine by OR, the instants by min and max, which
 * is exactly what the same aggregates over all the days' events give (see conversation-rates.ts).
 */
export const analyticsConversationDays = pgTable(
  "analytics_conversation_days",
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    day: text().notNull(),
    conversationId: uuid().notNull(),
    channel: text(),
    agent: text(),
    /** The day's first rate event, and its conversation_created (null: not started that day). */
    firstAt: timestamp({ withTimezone: true }).notNull(),
    startedAt: timestamp({ withTimezone: true }),
    ai: boolean().notNull(),
    answered: boolean().notNull(),
    handoff: boolean().notNull(),
    /** The day's latest AI resolution (confirmed or assumed), and its latest revocation. */
    resolvedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    /** The conversation's first and last stored day (equal: this row is all of it that is stored). */
    spanFrom: text().notNull(),
    spanTo: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.day, t.conversationId] }),
    // The rates read a run of days and only these columns: answered from the index alone.
    index("analytics_conversation_days_rate_scan_index").on(
      t.tenantId,
      t.day,
      t.spanFrom,
      t.spanTo,
      t.conversationId,
      t.ai,
      t.answered,
      t.handoff,
      t.resolvedAt,
      t.revokedAt,
      t.startedAt,
      t.firstAt,
      t.channel,
      t.agent,
    ),
    index().on(t.tenantId, t.conversationId),
  ],
);

/** A tenant's business hours: an agent's shape (zone, weekly "HH:MM" spans) plus closed dates (local YYYY-MM-DD). */
export interface TenantBusinessHours extends BusinessHours {
  holidays: string[];
}

/** Business hours per tenant (no row: every hour counts, business-hours values equal calendar ones). */
export const businessHours = pgTable("business_hours", {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  timezone: text().notNull(),
  weekly: jsonb().$type<BusinessHours["weekly"]>().notNull(),
  holidays: jsonb().$type<string[]>().notNull().default([]),
  ...timestamps,
});

/** A customer's answer to the satisfaction survey sent when a conversation was resolved (one per survey). */
export const csatResponses = pgTable(
  "csat_responses",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    surveyId: uuid().notNull(),
    rating: integer().notNull(),
    comment: text(),
    respondentKind: text().notNull(),
    respondentId: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.surveyId), index().on(t.tenantId, t.createdAt)],
);
