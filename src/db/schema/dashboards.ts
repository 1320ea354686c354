import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants } from "./identity";

export const widgetTypes = ["kpi", "timeseries", "bar", "pie", "table", "leaderboard", "text"] as const;
export type WidgetType = (typeof widgetTypes)[number];

/** A dashboard's time range: relative (`now-30d`, `now`) or ISO dates. */
export interface DashboardTimeRange {
  from: string;
  to: string;
}

/** A tenant's dashboard; `version` is the optimistic lock of its layout (+1 on every save). */
export const dashboards = pgTable(
  "dashboards",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    title: text().notNull(),
    description: text().notNull().default(""),
    tags: jsonb().$type<string[]>().notNull().default([]),
    timeRange: jsonb().$type<DashboardTimeRange>().notNull().default({ from: "now-30d", to: "now" }),
    timezone: text().notNull().default("UTC"),
    refreshS: integer(),
    version: integer().notNull().default(1),
    createdBy: uuid(),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId, t.createdAt)],
);

/** One widget of a dashboard: its catalog query (validated JSON, never SQL) and its place on the 24-column grid. */
export const dashboardWidgets = pgTable(
  "dashboard_widgets",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    dashboardId: uuid()
      .notNull()
      .references(() => dashboards.id, { onDelete: "cascade" }),
    type: text().$type<WidgetType>().notNull(),
    title: text().notNull(),
    query: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    options: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    x: integer().notNull(),
    y: integer().notNull(),
    w: integer().notNull(),
    h: integer().notNull(),
    ...timestamps,
  },
  (t) => [index().on(t.dashboardId)],
);

/** Marks that a tenant was given its default dashboard once (deleting it later does not bring it back). */
export const dashboardSeeds = pgTable("dashboard_seeds", {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
