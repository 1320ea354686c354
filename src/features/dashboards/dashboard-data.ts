import type { Database } from "../../db/client";
import type { dashboards } from "../../db/schema";
import { queryContext } from "../analytics/metric-query";
import { addDays, localDate, timeRange } from "../analytics/range";
import type { DataParams } from "./dashboards.schemas";
import { findDashboard, findWidget, widgetsOf } from "./dashboards.service";
import { type StoredWidget, widgetData } from "./widget-data";

type Dashboard = typeof dashboards.$inferSelect;

/** The dashboard's range in its zone: `now-Nd` is the last N days including today, `now-Nh` from N hours ago. */
export function dashboardRange(
  dashboard: Pick<Dashboard, "timeRange" | "timezone">,
  params: { from?: string; to?: string; tz?: string },
  now: Date,
) {
  const tz = params.tz ?? dashboard.timezone;
  const resolve = (value: string) => {
    const relative = /^now-(\d+)([dh])$/.exec(value);
    const today = localDate(now, tz);
    if (value === "now") return today;
    if (!relative) return value;
    const n = Number(relative[1]);
    return relative[2] === "d"
      ? addDays(today, 1 - n)
      : localDate(new Date(now.getTime() - n * 3_600_000), tz);
  };
  return timeRange(
    {
      from: params.from ?? resolve(dashboard.timeRange.from),
      to: params.to ?? resolve(dashboard.timeRange.to),
      tz,
    },
    now,
  );
}

/** Every widget's data in one call. */
export async function dashboardData(
  db: Database,
  tenantId: string,
  id: string,
  params: DataParams,
  now = new Date(),
) {
  // The context first: its lookup of rebuilt days travels with the dashboard read.
  const context = queryContext(db, tenantId);
  // Both reads at once: a dashboard of another tenant is a 404 and its widgets are never returned.
  const [dashboard, widgets] = await Promise.all([findDashboard(db, tenantId, id), widgetsOf(db, id)]);
  const range = dashboardRange(dashboard, params, now);
  const data = await Promise.all(
    widgets.map(async (w) => [w.id, await widgetData(context, w as StoredWidget, range, params)] as const),
  );
  return { range: { from: range.from, to: range.to, tz: range.tz }, widgets: Object.fromEntries(data) };
}

/** One widget with its data (for the SVG chart). */
export async function oneWidgetData(
  db: Database,
  tenantId: string,
  id: string,
  widgetId: string,
  params: DataParams,
  now = new Date(),
) {
  const dashboard = await findDashboard(db, tenantId, id);
  const { widget } = await findWidget(db, tenantId, id, widgetId);
  const range = dashboardRange(dashboard, params, now);
  const context = queryContext(db, tenantId);
  return { widget, range, data: await widgetData(context, widget as StoredWidget, range, params) };
}
