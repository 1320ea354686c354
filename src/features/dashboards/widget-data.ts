import { and, eq, inArray } from "drizzle-orm";
import { agents, users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { checkQuery, type MetricResult, type QueryContext, runMetric } from "../analytics/metric-query";
import { previousRange, type TimeRange } from "../analytics/range";
import type { DataParams, WidgetData, WidgetQuery } from "./dashboards.schemas";
import { toCatalogQuery, withParams } from "./widget-query";

/** A stored widget as the data call reads it. */
export interface StoredWidget {
  id: string;
  type: WidgetData["type"];
  title: string;
  query: Record<string, unknown>;
  options: Record<string, unknown>;
}

const keyOf = (ref: { id: string; stat?: string }) => (ref.stat ? `${ref.id}_${ref.stat}` : ref.id);

/** Display names for agent and user ids (ids stay the keys; unknown ids show as themselves). */
async function labelsFor(context: QueryContext, groupBy: string | undefined, keys: (string | null)[]) {
  const ids = keys.filter((key): key is string => key !== null && /^[0-9a-f-]{36}$/i.test(key));
  const labels = new Map<string, string>();
  if (!ids.length || (groupBy !== "user" && groupBy !== "agent")) return labels;
  const table = groupBy === "user" ? users : agents;
  const rows = await context.db
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(and(eq(table.tenantId, context.tenantId), inArray(table.id, ids)));
  for (const row of rows) labels.set(row.id, row.name);
  return labels;
}

/** One widget's data over `range`: a KPI's total and previous period, series, groups or table rows. */
export async function widgetData(
  context: QueryContext,
  widget: StoredWidget,
  range: TimeRange,
  params: Partial<DataParams> = {},
): Promise<WidgetData> {
  if (widget.type === "text") {
    const markdown = widget.options.markdown;
    return { type: "text", markdown: typeof markdown === "string" ? markdown : "" };
  }
  const query = widget.query as WidgetQuery;
  try {
    const catalogQuery = withParams(toCatalogQuery(query), params);
    // The call's filters may not fit a widget's metric: that widget shows the error, never unfiltered figures.
    checkQuery(catalogQuery);
    const run = (ref: WidgetQuery["metrics"][number], window: TimeRange, skipTotal = false) =>
      runMetric(context, catalogQuery, ref, window, { skipTotal });
    const [first] = query.metrics;
    if (!first) return { type: widget.type, error: "no metric" };
    if (widget.type === "kpi") {
      const [now, before] = await Promise.all([run(first, range), run(first, previousRange(range))]);
      return { type: "kpi", unit: now.unit, total: now.total, previous: before.total };
    }
    if (widget.type === "timeseries") {
      const results = await Promise.all(query.metrics.map((ref) => run(ref, range, true)));
      const series = results.flatMap(
        (result, i): { name: string; points: { t: string; v: number | null }[] }[] =>
          result.series
            ? result.series.map((s) => ({ name: s.name ?? "(none)", points: s.points }))
            : [{ name: keyOf(query.metrics[i] ?? first), points: result.points ?? [] }],
      );
      return { type: "timeseries", unit: results[0]?.unit, series };
    }
    const results: MetricResult[] = await Promise.all(
      query.metrics.map((ref) => run(ref, range, widget.type === "table")),
    );
    const keys = [...new Set(results.flatMap((result) => (result.groups ?? []).map((group) => group.key)))];
    const labels = await labelsFor(context, query.groupBy, keys);
    const label = (key: string | null) => (key === null ? "(none)" : (labels.get(key) ?? key));
    if (widget.type === "table")
      return {
        type: "table",
        unit: results[0]?.unit,
        columns: [query.groupBy ?? "key", ...query.metrics.map(keyOf)],
        rows: keys.map((key) => [
          label(key),
          ...results.map((r) => r.groups?.find((g) => g.key === key)?.v ?? null),
        ]),
      };
    const [result] = results;
    return {
      type: widget.type,
      unit: result?.unit,
      total: result?.total ?? null,
      groups: (result?.groups ?? [])
        .slice(0, query.limit ?? (widget.type === "leaderboard" ? 10 : 100))
        .map((group) => ({
          key: group.key,
          label: label(group.key),
          v: group.v,
        })),
    };
  } catch (error) {
    // A widget whose stored query the catalog no longer accepts shows its error; the others still load.
    if (error instanceof AppError) return { type: widget.type, error: error.message };
    throw error;
  }
}
