import type { WidgetType } from "../../db/schema";
import { AppError } from "../../lib/errors";
import type { CatalogQuery } from "../analytics/metric-query";
import { checkQuery } from "../analytics/metric-query";
import type { DataParams, WidgetQuery } from "./dashboards.schemas";

const invalid = (message: string) =>
  new AppError("validation_failed", "Invalid widget", [{ path: "query", message }]);

/** The query shape each widget type needs (analytics.md §6.2), then the catalog's own rules. */
export function checkWidgetQuery(type: WidgetType, query: WidgetQuery | undefined | null): void {
  if (type === "text") {
    if (query) throw invalid("a text widget has no query");
    return;
  }
  if (!query) throw invalid(`a ${type} widget needs a query`);
  const single = query.metrics.length === 1;
  if (type === "kpi" && (!single || query.groupBy || query.bucket))
    throw invalid("kpi: one metric, no groupBy, no bucket");
  if (type === "timeseries" && (!query.bucket || (query.groupBy && !single)))
    throw invalid("timeseries: a bucket, and groupBy only with one metric");
  if (
    (type === "bar" || type === "pie" || type === "leaderboard") &&
    (!single || !query.groupBy || query.bucket)
  )
    throw invalid(`${type}: one metric and a groupBy, no bucket`);
  if (type === "table" && (!query.groupBy || query.bucket)) throw invalid("table: a groupBy, no bucket");
  checkQuery(toCatalogQuery(query));
}

/** A stored widget query as the catalog takes it. */
export function toCatalogQuery(query: WidgetQuery): CatalogQuery {
  return {
    metrics: query.metrics,
    groupBy: query.groupBy,
    bucket: query.bucket,
    businessHours: query.businessHours,
    limit: query.limit,
    filters: (query.filters ?? []).map((filter) => ({
      field: filter.field,
      values: Array.isArray(filter.value) ? filter.value : [filter.value],
    })),
  };
}

/** A widget's query under the data call's parameters: its filters plus theirs, their bucket and business hours. */
export function withParams(query: CatalogQuery, params: Partial<DataParams>): CatalogQuery {
  const filters = [...(query.filters ?? [])];
  if (params.channel) filters.push({ field: "channel", values: [params.channel] });
  if (params.agentId) filters.push({ field: "agent", values: [params.agentId] });
  if (params.assigneeId) filters.push({ field: "user", values: [params.assigneeId] });
  return {
    ...query,
    filters,
    bucket: query.bucket && params.groupBy ? params.groupBy : query.bucket,
    businessHours: params.businessHours || query.businessHours,
  };
}
