import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { dimensions, statistics } from "./catalog";
import { buckets, isTimeZone } from "./range";

const isoDate = () => text().pipe(z.iso.date());

/** A time zone query parameter: an IANA name the runtime knows (else 400). */
export const TimeZone = text()
  .max(64)
  .refine(isTimeZone, "not an IANA time zone")
  .openapi({ description: "IANA time zone for days and buckets (default UTC)", example: "Europe/Berlin" });

export const AnalyticsQuery = z.object({
  from: isoDate()
    .optional()
    .openapi({ description: "First local date (default: 29 days before `to`)", example: "2026-11-01" }),
  to: isoDate()
    .optional()
    .openapi({ description: "Last local date, inclusive (default: today in `tz`)", example: "2026-11-30" }),
  tz: TimeZone.optional(),
  businessHours: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => value === "true")
    .openapi({ description: "Durations in business hours instead of calendar time" }),
  channel: text()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Only this channel", example: "whatsapp" }),
  agentId: z.uuid().optional().openapi({ description: "Only this AI agent" }),
  assigneeId: z.uuid().optional().openapi({ description: "Only this human agent (assignee)" }),
  groupBy: z.enum(buckets).optional().openapi({ description: "Bucket of the time series (default day)" }),
});
export type AnalyticsParams = z.infer<typeof AnalyticsQuery>;

const NotApplicable = z.array(text()).openapi({
  description:
    "Metrics (keys as in totals and columns) the asked channel, agentId or assigneeId cannot filter: their values are null, never the unfiltered figures",
  example: ["ai_tokens"],
});

const Range = z.object({ from: text(), to: text(), tz: text() }).openapi("AnalyticsRange");
const Point = z.object({ t: text().openapi({ example: "2026-11-30" }), v: z.number().nullable() });

export const ReportSchema = z
  .object({
    range: Range,
    totals: z
      .record(text(), z.number().nullable())
      .openapi({ description: "Metric id (with `_median`, `_p90`, `_mean` for durations) → value" }),
    series: z.array(z.object({ metric: text(), points: z.array(Point) })),
    tables: z.array(
      z.object({
        name: text(),
        groupBy: z.enum(dimensions),
        columns: z.array(text()),
        rows: z.array(z.object({ key: text().nullable(), values: z.array(z.number().nullable()) })),
      }),
    ),
    notApplicable: NotApplicable,
  })
  .openapi("AnalyticsReport");
export type Report = z.infer<typeof ReportSchema>;

const DayFigures = z.object({
  conversations_new: z.number(),
  conversations_resolved: z.number(),
  messages_in: z.number(),
});

export const OverviewSchema = z
  .object({
    range: Range,
    totals: z.record(text(), z.number().nullable()),
    series: z
      .array(z.object({ metric: text(), points: z.array(Point) }))
      .openapi({ description: "New and resolved conversations by `groupBy` bucket" }),
    openNow: z.number().int(),
    today: DayFigures,
    yesterday: DayFigures,
    topAgents: z.array(z.object({ userId: text().nullable(), resolved: z.number() })),
    topChannels: z.array(z.object({ channel: text().nullable(), conversations: z.number() })),
    notApplicable: NotApplicable,
  })
  .openapi("AnalyticsOverview");

export const CatalogSchema = z
  .object({
    data: z.array(
      z.object({
        id: text().openapi({ example: "frt_human" }),
        label: text(),
        definition: text(),
        unit: text().openapi({ example: "seconds" }),
        aggregation: text().openapi({ example: "duration" }),
        statistics: z.array(z.enum(statistics)).openapi({ description: "For durations: median, p90, mean" }),
        dimensions: z.array(z.enum(dimensions)).openapi({ description: "Allowed groupBy" }),
        filters: z.array(z.enum(dimensions)).openapi({ description: "Allowed filter fields" }),
        timeseries: z.boolean().openapi({ description: "Whether a bucket may be given" }),
      }),
    ),
  })
  .openapi("MetricCatalog");
