// The dashboards API's shapes, inferred from the server's own schemas (a change there breaks the
// console's type check, not its users).
import type { z } from "@hono/zod-openapi";
import type {
  DashboardData,
  DashboardSchema,
  DashboardSummary,
  WidgetData,
  WidgetQuery,
  WidgetSchema,
} from "../../features/dashboards/dashboards.schemas";

export type Dashboard = z.infer<typeof DashboardSchema>;
export type DashboardInfo = z.infer<typeof DashboardSummary>;
export type Widget = z.infer<typeof WidgetSchema>;
export type Data = z.infer<typeof DashboardData>;
export type { WidgetData, WidgetQuery };
export type Rect = Widget["layout"];
export type Layout = Record<string, Rect>;

/** One metric of GET /api/analytics/metrics. */
export interface Metric {
  id: string;
  label: string;
  unit: string;
  statistics: string[];
  dimensions: string[];
  filters: string[];
  timeseries: boolean;
}
