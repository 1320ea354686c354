import type { Database } from "../../db/client";
import { AppError } from "../../lib/errors";
import { dashboardMetrics } from "../policies/dashboard.service";
import { type Dimension, type MetricDefinition, metricById, type PolicyKpi, type Statistic } from "./catalog";
import { conversationRateRows } from "./conversation-rates";
import {
  directReader,
  durationRows,
  type Filter,
  type MetricRequest,
  openNowRows,
  type RawRow,
  type Reader,
  usageRows,
} from "./metric-sql";
import { batchReader } from "./query-batch";
import { type Bucket, bucketLabels, bucketOf, type TimeRange } from "./range";
import { additiveRows, builtRuns, conversationDaysRun } from "./rollups";

/** A query over the catalog, as widgets and the analytics endpoints send it (never SQL). */
export interface CatalogQuery {
  metrics: { id: string; stat?: Statistic }[];
  groupBy?: Dimension;
  filters?: Filter[];
  bucket?: Bucket;
  businessHours?: boolean;
  /** Groups kept, largest first (leaderboards). */
  limit?: number;
}

export interface Point {
  t: string;
  v: number | null;
}

/** One metric's answer: its total, and its points by bucket, by group, or both. */
export interface MetricResult {
  metric: string;
  stat?: Statistic;
  unit: MetricDefinition["unit"];
  total: number | null;
  points?: Point[];
  groups?: { key: string | null; v: number | null }[];
  series?: { name: string | null; points: Point[] }[];
}

/** What one request's queries share: the database, the tenant (from the principal) and memoised reads. */
export interface QueryContext {
  db: Database;
  tenantId: string;
  memo: Map<string, Promise<unknown>>;
  /** Queries go out together (query-batch.ts): counts and ratios in one batch, durations in batches of 4,
   * the heavy per-conversation rates alone, all in parallel. */
  read: Reader;
  durations: Reader;
  direct: Reader;
}

/** A request's query context; the lookup of its rebuilt days goes out at once, beside the request's other reads. */
export function queryContext(db: Database, tenantId: string): QueryContext {
  const context: QueryContext = {
    db,
    tenantId,
    memo: new Map(),
    read: batchReader(db),
    durations: batchReader(db, 4),
    direct: directReader(db),
  };
  // Its failure reaches whichever metric awaits it; unread, it must not be an unhandled rejection.
  builtRuns(context, tenantId).catch(() => {});
  return context;
}

const invalid = (path: string, message: string) =>
  new AppError("validation_failed", "Invalid query", [{ path, message }]);

/** Checks a query against the catalog: known metrics, and groupBy, filters, bucket and stat each metric allows. */
export function checkQuery(query: CatalogQuery, path = "query"): void {
  query.metrics.forEach((ref, index) => {
    const metric = metricById(ref.id);
    const at = `${path}.metrics.${index}`;
    if (!metric) throw invalid(`${at}.id`, `unknown metric ${ref.id} (see GET /api/analytics/metrics)`);
    if (ref.stat && metric.aggregation !== "duration")
      throw invalid(`${at}.stat`, `${metric.id} has no statistics`);
    if (query.groupBy && !metric.dimensions.includes(query.groupBy))
      throw invalid(`${path}.groupBy`, `${metric.id} cannot be grouped by ${query.groupBy}`);
    for (const filter of query.filters ?? [])
      if (!metric.filters.includes(filter.field))
        throw invalid(`${path}.filters`, `${metric.id} cannot be filtered by ${filter.field}`);
    if (query.bucket && !metric.timeseries)
      throw invalid(`${path}.bucket`, `${metric.id} has no time series`);
    if (query.bucket === "hour" && metric.source.kind === "policy")
      throw invalid(`${path}.bucket`, `${metric.id} is by day at the finest`);
  });
}

const round = (value: number | null) =>
  value === null || !Number.isFinite(value) ? null : Math.round(value * 100) / 100;

/** The value of an additive row: a count, a sum, or a mean (sum / count). */
function additiveValue(metric: MetricDefinition, row: RawRow): number | null {
  const { source } = metric;
  if (source.kind === "count") return row.n;
  if (source.kind === "dimension" && source.aggregate === "sum") return row.s ?? 0;
  if (source.kind === "eventRatio") return row.n ? (100 * (row.s ?? 0)) / row.n : null;
  return row.n ? (row.s ?? 0) / row.n : null;
}

async function metricRows(
  context: QueryContext,
  request: MetricRequest,
): Promise<{ t: string | null; g: string | null; v: number | null }[]> {
  const { read, durations, direct } = context;
  const { source } = request.metric;
  const additive =
    source.kind === "count" ||
    source.kind === "dimension" ||
    source.kind === "eventRatio" ||
    (source.kind === "duration" && !source.first && request.stat === "mean" && !request.businessHours);
  if (additive)
    return (await additiveRows(context, request)).map((row) => ({
      t: row.t,
      g: row.g,
      v: additiveValue(request.metric, row),
    }));
  if (source.kind === "duration" || source.kind === "resolutionFull") return durationRows(durations, request);
  if (source.kind === "conversationRate")
    return conversationRateRows(direct, request, await conversationDaysRun(context, request));
  if (source.kind === "usage") return usageRows(read, request);
  if (source.kind === "openNow") return openNowRows(read, request);
  return policyRows(context, request, source.kpi);
}

type PolicyMetrics = Awaited<ReturnType<typeof dashboardMetrics>>;
const POLICY_TOTALS: Record<PolicyKpi, (m: PolicyMetrics) => number | null> = {
  policies: (m) => m.policies,
  gwp: (m) => m.gwp,
  netPremium: (m) => m.netPremium,
  brokerage: (m) => m.brokerage,
  cashback: (m) => m.cashback,
  netRevenue: (m) => m.netRevenue,
  averagePremium: (m) => m.averagePremium,
  renewalRate: (m) => m.renewal.rate,
};

/** Policy KPIs from the policies dashboard service (one call per range per request). */
async function policyRows(context: QueryContext, request: MetricRequest, kpi: PolicyKpi) {
  const { from, to } = request.range;
  const key = `policies:${from}:${to}`;
  if (!context.memo.has(key))
    context.memo.set(key, dashboardMetrics(context.db, context.tenantId, { from, to }));
  const metrics = (await context.memo.get(key)) as PolicyMetrics;
  const pick = (share: { policies: number; gwp: number }) => (kpi === "gwp" ? share.gwp : share.policies);
  if (request.groupBy === "insurer")
    return metrics.byInsurer.map((row) => ({ t: null, g: row.insurer, v: pick(row) }));
  if (request.groupBy === "source")
    return metrics.bySource.map((row) => ({ t: null, g: row.source, v: row.policies }));
  const bucket = request.bucket;
  if (bucket && bucket !== "hour") {
    const sums = new Map<string, number>();
    for (const day of metrics.trend) {
      const label = bucketOf(day.date, bucket);
      sums.set(label, (sums.get(label) ?? 0) + pick(day));
    }
    return [...sums].map(([t, v]) => ({ t, g: null, v: Math.round(v * 100) / 100 }));
  }
  return [{ t: null, g: null, v: POLICY_TOTALS[kpi](metrics) }];
}

/** Runs one metric of a checked query over `range`: its total and, when asked, points by bucket and group. */
export async function runMetric(
  context: QueryContext,
  query: CatalogQuery,
  ref: { id: string; stat?: Statistic },
  range: TimeRange,
  options: { skipTotal?: boolean } = {},
): Promise<MetricResult> {
  const metric = metricById(ref.id);
  if (!metric) throw invalid("metrics", `unknown metric ${ref.id}`);
  const stat = ref.stat ?? "median";
  const base: MetricRequest = {
    tenantId: context.tenantId,
    metric,
    stat,
    filters: query.filters ?? [],
    range,
    businessHours: query.businessHours ?? false,
  };
  const cut = query.bucket !== undefined || query.groupBy !== undefined;
  // Counts and sums add up over buckets and groups: their total is the sum, not one more query.
  const summable = ["count", "sum", "gauge"].includes(metric.aggregation);
  const [totals, cutRows] = await Promise.all([
    cut && (options.skipTotal || summable) ? Promise.resolve([]) : metricRows(context, base),
    cut
      ? metricRows(context, { ...base, bucket: query.bucket, groupBy: query.groupBy })
      : Promise.resolve([]),
  ]);
  const empty =
    metric.aggregation === "count" || metric.aggregation === "sum" || metric.aggregation === "gauge"
      ? 0
      : null;
  const result: MetricResult = {
    metric: metric.id,
    ...(metric.aggregation === "duration" ? { stat } : {}),
    unit: metric.unit,
    total: round(
      cut && summable ? cutRows.reduce((sum, row) => sum + (row.v ?? 0), 0) : (totals[0]?.v ?? empty),
    ),
  };
  const fill = (rows: { t: string | null; v: number | null }[]): Point[] => {
    const byLabel = new Map(rows.map((row) => [row.t, row.v]));
    return bucketLabels(range, query.bucket ?? "day").map((t) => ({ t, v: round(byLabel.get(t) ?? empty) }));
  };
  if (query.bucket && !query.groupBy) result.points = fill(cutRows);
  if (query.groupBy) {
    const groups = [...cutRows]
      .filter((row) => row.t === null)
      .sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity) || String(a.g).localeCompare(String(b.g)));
    if (!query.bucket)
      result.groups = groups.slice(0, query.limit ?? 100).map((row) => ({ key: row.g, v: round(row.v) }));
    else {
      const byGroup = new Map<string | null, typeof cutRows>();
      for (const row of cutRows) byGroup.set(row.g, [...(byGroup.get(row.g) ?? []), row]);
      result.series = [...byGroup]
        .slice(0, query.limit ?? 20)
        .map(([name, rows]) => ({ name, points: fill(rows) }));
    }
  }
  return result;
}

/** Runs every metric of a query (checked first) over `range`. */
export async function runQuery(
  context: QueryContext,
  query: CatalogQuery,
  range: TimeRange,
): Promise<MetricResult[]> {
  checkQuery(query);
  return Promise.all(query.metrics.map((ref) => runMetric(context, query, ref, range)));
}
