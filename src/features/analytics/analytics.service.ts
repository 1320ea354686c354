import type { Database } from "../../db/client";
import type { AnalyticsParams, Report } from "./analytics.schemas";
import { catalog, type Dimension, metricById, type Statistic, statistics } from "./catalog";
import {
  type CatalogQuery,
  type MetricResult,
  type QueryContext,
  queryContext,
  runMetric,
} from "./metric-query";
import type { Filter } from "./metric-sql";
import { addDays, bucketLabels, localDate, type TimeRange, timeRange } from "./range";

type Ref = { id: string; stat?: Statistic };

/** The reports behind /api/analytics/*: totals, time series and tables, all catalog metrics. */
interface ReportSpec {
  totals: Ref[];
  series: Ref[];
  tables: { name: string; groupBy: Dimension; metrics: Ref[] }[];
}

const allStats = (id: string): Ref[] => statistics.map((stat) => ({ id, stat }));
const ids = (...list: string[]): Ref[] => list.map((id) => ({ id }));

export const reports = {
  conversations: {
    totals: [
      ...ids(
        "conversations_new",
        "conversations_reopened",
        "conversations_resolved",
        "conversations_open_now",
      ),
      ...allStats("frt_human"),
      ...allStats("reply_time"),
      ...allStats("resolution_time_first"),
      ...allStats("resolution_time_full"),
      ...allStats("resolution_time_human"),
    ],
    series: ids("conversations_new", "conversations_resolved"),
    tables: [
      {
        name: "byChannel",
        groupBy: "channel",
        metrics: [...ids("conversations_new", "conversations_resolved"), { id: "frt_human", stat: "median" }],
      },
      { name: "byStatus", groupBy: "status", metrics: ids("conversations_open_now") },
    ],
  },
  agents: {
    totals: [],
    series: ids("conversations_resolved", "ai_answers"),
    tables: [
      {
        name: "humans",
        groupBy: "user",
        metrics: [
          ...ids("conversations_resolved", "messages_out"),
          { id: "frt_human", stat: "median" },
          { id: "resolution_time_first", stat: "mean" },
          ...ids("csat_score"),
        ],
      },
      {
        name: "ai",
        groupBy: "agent",
        metrics: ids(
          "ai_answers",
          "ai_resolution_rate",
          "handoff_rate",
          "citations_per_answer",
          "ai_tokens",
          "ai_cost",
        ),
      },
    ],
  },
  channels: {
    totals: ids(
      "messages_in",
      "messages_out",
      "channel_delivery_failures",
      "window_closed",
      "template_sends",
    ),
    series: ids("messages_in", "messages_out"),
    tables: [
      {
        name: "byChannel",
        groupBy: "channel",
        metrics: ids(
          "conversations_new",
          "messages_in",
          "messages_out",
          "channel_delivery_failures",
          "window_closed",
          "template_sends",
        ),
      },
      { name: "failuresByCode", groupBy: "code", metrics: ids("channel_delivery_failures") },
    ],
  },
  ai: {
    totals: [
      ...ids(
        "ai_involvement_rate",
        "ai_answer_rate",
        "ai_resolution_rate",
        "automation_rate",
        "handoff_rate",
        "deflection_rate",
      ),
      ...ids("citations_per_answer", "ai_answers", "handoffs", "ai_tokens", "ai_cost"),
      ...allStats("frt_ai"),
      ...ids("plans_proposed", "plans_approved", "plans_rejected", "plans_executed", "plan_step_failures"),
    ],
    series: ids("ai_answers", "handoffs"),
    tables: [
      {
        name: "byAgent",
        groupBy: "agent",
        metrics: ids("ai_answers", "ai_resolution_rate", "handoff_rate", "ai_tokens", "ai_cost"),
      },
      { name: "byModel", groupBy: "model", metrics: ids("ai_tokens", "ai_cost") },
    ],
  },
  csat: {
    totals: ids("csat_score", "csat_response_rate", "csat_responses"),
    series: ids("csat_score", "csat_responses"),
    tables: [
      { name: "byRating", groupBy: "rating", metrics: ids("csat_responses") },
      { name: "byAgent", groupBy: "user", metrics: ids("csat_score", "csat_responses") },
    ],
  },
} satisfies Record<string, ReportSpec>;
export type ReportName = keyof typeof reports;

/**
 * The endpoint filters for a metric, or null when it cannot honour one of them (usage rows have no
 * channel, channel counters no assignee): its value is then null, never the unfiltered figure.
 */
function filtersFor(id: string, params: AnalyticsParams): Filter[] | null {
  const allowed = metricById(id)?.filters ?? [];
  const wanted: Filter[] = [];
  if (params.channel) wanted.push({ field: "channel", values: [params.channel] });
  if (params.agentId) wanted.push({ field: "agent", values: [params.agentId] });
  if (params.assigneeId) wanted.push({ field: "user", values: [params.assigneeId] });
  return wanted.every((filter) => allowed.includes(filter.field)) ? wanted : null;
}

const keyOf = (ref: Ref) => (ref.stat ? `${ref.id}_${ref.stat}` : ref.id);

/** One metric under the endpoint's filters, or null (and its key noted) when a filter does not apply to it. */
async function metricUnder(
  context: QueryContext,
  ref: Ref,
  params: AnalyticsParams,
  range: TimeRange,
  notApplicable: Set<string>,
  cut: Pick<CatalogQuery, "bucket" | "groupBy" | "limit"> = {},
): Promise<MetricResult | null> {
  const filters = filtersFor(ref.id, params);
  if (!filters) {
    notApplicable.add(keyOf(ref));
    return null;
  }
  const query: CatalogQuery = { metrics: [ref], filters, businessHours: params.businessHours, ...cut };
  const skipTotal = cut.bucket !== undefined || cut.groupBy !== undefined;
  return runMetric(context, query, ref, range, { skipTotal });
}

async function totalsOf(
  context: QueryContext,
  refs: Ref[],
  params: AnalyticsParams,
  range: TimeRange,
  notApplicable: Set<string>,
) {
  const values = await Promise.all(
    refs.map((ref) => metricUnder(context, ref, params, range, notApplicable)),
  );
  return Object.fromEntries(refs.map((ref, i) => [keyOf(ref), values[i]?.total ?? null]));
}

async function seriesOf(
  context: QueryContext,
  refs: Ref[],
  params: AnalyticsParams,
  range: TimeRange,
  notApplicable: Set<string>,
) {
  const bucket = params.groupBy ?? "day";
  return Promise.all(
    refs.map(async (ref) => {
      const result = await metricUnder(context, ref, params, range, notApplicable, { bucket });
      const points = result?.points ?? bucketLabels(range, bucket).map((t) => ({ t, v: null }));
      return { metric: keyOf(ref), points };
    }),
  );
}

/** One of the analytics reports over the params' range, for the principal's tenant. */
export async function analyticsReport(
  db: Database,
  tenantId: string,
  name: ReportName,
  params: AnalyticsParams,
  now = new Date(),
): Promise<Report> {
  const spec: ReportSpec = reports[name];
  const range = timeRange(params, now);
  const context = queryContext(db, tenantId);
  const notApplicable = new Set<string>();
  const [totals, series, tables] = await Promise.all([
    totalsOf(context, spec.totals, params, range, notApplicable),
    seriesOf(context, spec.series, params, range, notApplicable),
    Promise.all(
      spec.tables.map(async (table) => {
        const results = await Promise.all(
          table.metrics.map((ref) =>
            metricUnder(context, ref, params, range, notApplicable, { groupBy: table.groupBy }),
          ),
        );
        const keys = [
          ...new Set(results.flatMap((result) => (result?.groups ?? []).map((group) => group.key))),
        ];
        const rows = keys.map((key) => ({
          key,
          values: results.map((result) => result?.groups?.find((group) => group.key === key)?.v ?? null),
        }));
        return { name: table.name, groupBy: table.groupBy, columns: table.metrics.map(keyOf), rows };
      }),
    ),
  ]);
  return {
    range: { from: range.from, to: range.to, tz: range.tz },
    totals,
    series,
    tables,
    notApplicable: [...notApplicable].sort(),
  };
}

/** The overview: range totals and series, open now, today against yesterday (in `tz`), top agents and channels. */
export async function analyticsOverview(
  db: Database,
  tenantId: string,
  params: AnalyticsParams,
  now = new Date(),
) {
  const range = timeRange(params, now);
  const context = queryContext(db, tenantId);
  const notApplicable = new Set<string>();
  const today = localDate(now, range.tz);
  const yesterday = addDays(today, -1);
  const day = (date: string) => timeRange({ from: date, to: date, tz: range.tz }, now);
  const dayRefs = ids("conversations_new", "conversations_resolved", "messages_in");
  const top = (id: string, groupBy: Dimension) =>
    metricUnder(context, { id }, params, range, notApplicable, { groupBy, limit: 5 });
  const [totals, series, openNow, todays, yesterdays, agents, channels] = await Promise.all([
    totalsOf(
      context,
      [
        ...ids("conversations_new", "conversations_resolved", "messages_in", "messages_out"),
        { id: "frt_human", stat: "median" },
        ...ids("csat_score", "ai_resolution_rate"),
      ],
      params,
      range,
      notApplicable,
    ),
    seriesOf(context, ids("conversations_new", "conversations_resolved"), params, range, notApplicable),
    metricUnder(context, { id: "conversations_open_now" }, params, range, notApplicable),
    totalsOf(context, dayRefs, params, day(today), notApplicable),
    totalsOf(context, dayRefs, params, day(yesterday), notApplicable),
    top("conversations_resolved", "user"),
    top("conversations_new", "channel"),
  ]);
  const figures = (values: Record<string, number | null>) => ({
    conversations_new: values.conversations_new ?? 0,
    conversations_resolved: values.conversations_resolved ?? 0,
    messages_in: values.messages_in ?? 0,
  });
  return {
    range: { from: range.from, to: range.to, tz: range.tz },
    totals,
    series,
    openNow: openNow?.total ?? 0,
    today: figures(todays),
    yesterday: figures(yesterdays),
    topAgents: (agents?.groups ?? [])
      .filter((g) => g.key !== null)
      .map((g) => ({ userId: g.key, resolved: g.v ?? 0 })),
    topChannels: (channels?.groups ?? []).map((g) => ({ channel: g.key, conversations: g.v ?? 0 })),
    notApplicable: [...notApplicable].sort(),
  };
}

/** The catalog as the API lists it. */
export const catalogListing = () => ({
  data: catalog.map((metric) => ({
    id: metric.id,
    label: metric.label,
    definition: metric.definition,
    unit: metric.unit,
    aggregation: metric.aggregation,
    statistics: metric.aggregation === "duration" ? [...statistics] : [],
    dimensions: [...metric.dimensions],
    filters: [...metric.filters],
    timeseries: metric.timeseries,
  })),
});
