import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dashboards, dashboardWidgets } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { bump, findDashboard, widgetsOf } from "./dashboards.service";
import { checkLayout, type Rect } from "./grid";

/**
 * Saves every widget's position at once, if `version` is still the dashboard's: one transaction whose
 * first statement bumps the version only where it matches (zero rows → 409 with the current one).
 */
export async function saveLayout(
  db: Database,
  tenantId: string,
  dashboardId: string,
  input: { version: number; layout: Record<string, Rect> },
) {
  const dashboard = await findDashboard(db, tenantId, dashboardId);
  const widgets = await widgetsOf(db, dashboardId);
  const ids = new Set(widgets.map((w) => w.id));
  const given = Object.keys(input.layout);
  const unknown = given.filter((id) => !ids.has(id));
  const missing = [...ids].filter((id) => !(id in input.layout));
  if (unknown.length || missing.length)
    throw new AppError(
      "validation_failed",
      "The layout must place every widget of the dashboard, and only those",
      [
        ...unknown.map((id) => ({ path: `layout.${id}`, message: "not a widget of this dashboard" })),
        ...missing.map((id) => ({ path: `layout.${id}`, message: "missing" })),
      ],
    );
  checkLayout(given.map((id) => ({ id, layout: input.layout[id] as Rect })));
  const version = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(dashboards)
      .set(bump)
      .where(and(eq(dashboards.id, dashboardId), eq(dashboards.version, input.version)))
      .returning({ version: dashboards.version });
    if (!row) return null;
    for (const [id, rect] of Object.entries(input.layout))
      await tx
        .update(dashboardWidgets)
        .set(rect)
        .where(and(eq(dashboardWidgets.id, id), eq(dashboardWidgets.dashboardId, dashboardId)));
    return row.version;
  });
  if (version === null) {
    const [current] = await db
      .select({ version: dashboards.version })
      .from(dashboards)
      .where(eq(dashboards.id, dashboard.id));
    throw new AppError(
      "conflict",
      "The dashboard changed since that version: reload it and reapply the change",
      {
        code: "VERSION_CONFLICT",
        current: current?.version ?? null,
      },
    );
  }
  return { version };
}
