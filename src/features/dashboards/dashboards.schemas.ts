import { z } from "@hono/zod-openapi";
import { widgetTypes } from "../../db/schema";
import { IdParams } from "../../lib/responses";
import { nonEmptyUpdate } from "../../lib/route-helpers";
import { jsonObject, text } from "../../lib/text";
import { AnalyticsQuery, TimeZone } from "../analytics/analytics.schemas";
import { dimensions, statistics } from "../analytics/catalog";
import { buckets } from "../analytics/range";
import { GRID_COLUMNS } from "./grid";

/** The most widgets one dashboard holds (every one is a query on each data call). */
export const MAX_WIDGETS = 40;

const RelativeOrDate = text()
  .regex(/^(now(-\d{1,3}[dh])?|\d{4}-\d{2}-\d{2})$/, "now, now-<n>d, now-<n>h or an ISO date")
  .openapi({ example: "now-30d" });

export const TimeRangeSchema = z
  .object({ from: RelativeOrDate, to: RelativeOrDate.openapi({ example: "now" }) })
  .openapi("DashboardTimeRange");

export const LayoutSchema = z
  .object({
    x: z
      .number()
      .int()
      .min(0)
      .max(GRID_COLUMNS - 1)
      .openapi({ example: 0 }),
    y: z.number().int().min(0).max(10_000).openapi({ example: 0 }),
    w: z.number().int().min(1).max(GRID_COLUMNS).openapi({ example: 6 }),
    h: z.number().int().min(1).max(100).openapi({ example: 4 }),
  })
  .openapi("WidgetLayout", { description: "On the 24-column grid: x + w ≤ 24; widgets may not overlap" });

const FilterSchema = z.object({
  field: z.enum(dimensions),
  op: z.enum(["eq", "in"]).optional(),
  value: z.union([text().min(1).max(200), z.array(text().min(1).max(200)).min(1).max(20)]),
});

export const WidgetQuerySchema = z
  .object({
    metrics: z
      .array(
        z.object({
          id: text().min(1).max(64).openapi({ example: "frt_human" }),
          stat: z.enum(statistics).optional(),
        }),
      )
      .min(1)
      .max(6),
    groupBy: z.enum(dimensions).optional(),
    filters: z.array(FilterSchema).max(5).optional(),
    bucket: z.enum(buckets).optional(),
    businessHours: z.boolean().optional(),
    limit: z.number().int().min(1).max(100).optional(),
  })
  .openapi("WidgetQuery", { description: "Metrics from GET /api/analytics/metrics; never SQL" });
export type WidgetQuery = z.infer<typeof WidgetQuerySchema>;

export const WidgetInput = z
  .object({
    type: z.enum(widgetTypes),
    title: text().trim().min(1).max(200).openapi({ example: "First response (median)" }),
    query: WidgetQuerySchema.optional().openapi({ description: "Required for every type but text" }),
    options: jsonObject(8 * 1024)
      .optional()
      .openapi({ description: "Visual settings; text widgets: { markdown }" }),
    layout: LayoutSchema.optional().openapi({ description: "Omitted: the first free slot" }),
  })
  .openapi("WidgetInput");
export type WidgetBody = z.infer<typeof WidgetInput>;

export const WidgetUpdate = nonEmptyUpdate(WidgetInput.partial()).openapi("WidgetUpdate");
export type WidgetPatch = z.infer<typeof WidgetUpdate>;

export const WidgetSchema = z
  .object({
    id: z.uuid(),
    dashboardId: z.uuid(),
    type: z.enum(widgetTypes),
    title: text(),
    query: WidgetQuerySchema.nullable(),
    options: z.record(text(), z.unknown()),
    layout: LayoutSchema,
  })
  .openapi("Widget");

const DashboardFields = z.object({
  title: text().trim().min(1).max(200).openapi({ example: "Support" }),
  description: text().max(2000).optional(),
  tags: z.array(text().min(1).max(50)).max(20).optional(),
  timeRange: TimeRangeSchema.optional(),
  timezone: TimeZone.optional(),
  refreshS: z.number().int().min(10).max(86_400).nullable().optional(),
});

export const DashboardInput = DashboardFields.extend({
  widgets: z.array(WidgetInput).max(MAX_WIDGETS).optional(),
}).openapi("DashboardInput");
export type DashboardBody = z.infer<typeof DashboardInput>;

export const DashboardUpdate = nonEmptyUpdate(DashboardFields.partial()).openapi("DashboardUpdate");
export type DashboardPatch = z.infer<typeof DashboardUpdate>;

export const DashboardSummary = z
  .object({
    id: z.uuid(),
    title: text(),
    description: text(),
    tags: z.array(text()),
    timeRange: TimeRangeSchema,
    timezone: text(),
    refreshS: z.number().int().nullable(),
    version: z.number().int().openapi({ description: "The optimistic lock of PUT /layout" }),
    createdBy: z.uuid().nullable(),
    createdAt: text(),
    updatedAt: text(),
  })
  .openapi("DashboardSummary");

export const DashboardSchema = DashboardSummary.extend({ widgets: z.array(WidgetSchema) }).openapi(
  "Dashboard",
);
export const DashboardList = z.object({ data: z.array(DashboardSummary) }).openapi("DashboardList");

export const LayoutInput = z
  .object({
    version: z.number().int().min(1).openapi({ example: 7 }),
    layout: z
      .record(z.uuid(), LayoutSchema)
      .openapi({ description: "Every widget's position, by widget id" }),
  })
  .openapi("DashboardLayoutInput");
export const LayoutResult = z.object({ version: z.number().int() }).openapi("DashboardLayoutResult");

export const WidgetParams = IdParams.extend({
  widgetId: z.uuid().openapi({ param: { name: "widgetId", in: "path" } }),
});

const { businessHours, channel, agentId, assigneeId, groupBy } = AnalyticsQuery.shape;
/** The data call's parameters: the analytics endpoints' filters, applied to every widget on top of its own. */
export const DataQuery = z.object({
  from: text().pipe(z.iso.date()).optional().openapi({ description: "Overrides the dashboard's time range" }),
  to: text().pipe(z.iso.date()).optional(),
  tz: TimeZone.optional(),
  businessHours: businessHours.openapi({ description: "Durations in business hours for every widget" }),
  channel: channel.openapi({
    description: "Every widget only this channel (a widget whose metric has no channel shows an error)",
    example: "whatsapp",
  }),
  agentId: agentId.openapi({ description: "Every widget only this AI agent" }),
  assigneeId: assigneeId.openapi({ description: "Every widget only this human agent (assignee)" }),
  groupBy: groupBy.openapi({ description: "Bucket of every time-series widget (default: its own)" }),
});
export type DataParams = z.infer<typeof DataQuery>;

const Point = z.object({ t: text(), v: z.number().nullable() });
export const WidgetDataSchema = z
  .object({
    type: z.enum(widgetTypes),
    unit: text().optional(),
    total: z.number().nullable().optional(),
    previous: z.number().nullable().optional(),
    series: z.array(z.object({ name: text(), points: z.array(Point) })).optional(),
    groups: z.array(z.object({ key: text().nullable(), label: text(), v: z.number().nullable() })).optional(),
    columns: z.array(text()).optional(),
    rows: z.array(z.array(z.union([text(), z.number()]).nullable())).optional(),
    markdown: text().optional(),
    error: text().optional(),
  })
  .openapi("WidgetData");
export type WidgetData = z.infer<typeof WidgetDataSchema>;

export const DashboardData = z
  .object({
    range: z.object({ from: text(), to: text(), tz: text() }),
    widgets: z.record(z.uuid(), WidgetDataSchema),
  })
  .openapi("DashboardData");
