import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dashboardSeeds, dashboards, dashboardWidgets } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { requireChanges } from "../../lib/route-helpers";
import type { DashboardBody, DashboardPatch, WidgetBody, WidgetPatch } from "./dashboards.schemas";
import { MAX_WIDGETS } from "./dashboards.schemas";
import { DEFAULT_DASHBOARD } from "./default-dashboard";
import { checkLayout, DEFAULT_SIZE, firstFreeSlot, type Rect } from "./grid";
import { checkWidgetQuery } from "./widget-query";

type Dashboard = typeof dashboards.$inferSelect;
type Widget = typeof dashboardWidgets.$inferSelect;

const summary = (d: Dashboard) => ({
  id: d.id,
  title: d.title,
  description: d.description,
  tags: d.tags,
  timeRange: d.timeRange,
  timezone: d.timezone,
  refreshS: d.refreshS,
  version: d.version,
  createdBy: d.createdBy,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

const widgetView = (w: Widget) => ({
  id: w.id,
  dashboardId: w.dashboardId,
  type: w.type,
  title: w.title,
  query: w.type === "text" ? null : (w.query as never),
  options: w.options,
  layout: { x: w.x, y: w.y, w: w.w, h: w.h },
});

export const rectOf = (w: Widget): Rect => ({ x: w.x, y: w.y, w: w.w, h: w.h });

/** The tenant's dashboard, or 404. */
export async function findDashboard(db: Database, tenantId: string, id: string): Promise<Dashboard> {
  const [row] = await db
    .select()
    .from(dashboards)
    .where(and(eq(dashboards.tenantId, tenantId), eq(dashboards.id, id)));
  if (!row) throw notFound("Dashboard");
  return row;
}

/** A dashboard's widgets, top to bottom. */
export const widgetsOf = (db: Database, dashboardId: string) =>
  db
    .select()
    .from(dashboardWidgets)
    .where(eq(dashboardWidgets.dashboardId, dashboardId))
    .orderBy(asc(dashboardWidgets.y), asc(dashboardWidgets.x));

/** Validates widgets and places those without a layout in the first free slot after the others. */
function placeWidgets(existing: Rect[], bodies: WidgetBody[]) {
  for (const body of bodies) checkWidgetQuery(body.type, body.query);
  const placed: { body: WidgetBody; layout: Rect }[] = bodies
    .filter((b) => b.layout)
    .map((body) => ({ body, layout: body.layout as Rect }));
  checkLayout([
    ...existing.map((layout, i) => ({ id: `existing-${i}`, layout })),
    ...placed.map((p, i) => ({ id: `widgets.${i}`, layout: p.layout })),
  ]);
  const taken = [...existing, ...placed.map((p) => p.layout)];
  for (const body of bodies.filter((b) => !b.layout)) {
    const layout = firstFreeSlot(taken, DEFAULT_SIZE[body.type]);
    taken.push(layout);
    placed.push({ body, layout });
  }
  return placed;
}

const widgetRow = (
  tenantId: string,
  dashboardId: string,
  { body, layout }: { body: WidgetBody; layout: Rect },
) => ({
  tenantId,
  dashboardId,
  type: body.type,
  title: body.title,
  query: (body.query ?? {}) as Record<string, unknown>,
  options: body.options ?? {},
  ...layout,
});

/** Creates a dashboard with its widgets (placed on the grid) in one transaction. */
export async function createDashboard(
  db: Database,
  tenantId: string,
  createdBy: string | null,
  body: DashboardBody,
) {
  const placed = placeWidgets([], body.widgets ?? []);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(dashboards)
      .values({
        tenantId,
        title: body.title,
        description: body.description ?? "",
        tags: body.tags ?? [],
        timeRange: body.timeRange ?? { from: "now-30d", to: "now" },
        timezone: body.timezone ?? "UTC",
        refreshS: body.refreshS ?? null,
        createdBy,
      })
      .returning({ id: dashboards.id });
    if (!row) throw new Error("dashboard insert returned nothing");
    if (placed.length)
      await tx.insert(dashboardWidgets).values(placed.map((p) => widgetRow(tenantId, row.id, p)));
    return row.id;
  });
  return getDashboard(db, tenantId, id);
}

/** Gives the tenant its default support dashboard once (deleting it later does not bring it back). */
export async function ensureDefaultDashboard(db: Database, tenantId: string): Promise<void> {
  const [seed] = await db.select().from(dashboardSeeds).where(eq(dashboardSeeds.tenantId, tenantId));
  if (seed) return;
  const placed = placeWidgets([], DEFAULT_DASHBOARD.widgets);
  await db.transaction(async (tx) => {
    const [claimed] = await tx.insert(dashboardSeeds).values({ tenantId }).onConflictDoNothing().returning();
    if (!claimed) return;
    const [row] = await tx
      .insert(dashboards)
      .values({
        tenantId,
        title: DEFAULT_DASHBOARD.title,
        description: DEFAULT_DASHBOARD.description,
        tags: DEFAULT_DASHBOARD.tags,
      })
      .returning({ id: dashboards.id });
    if (row) await tx.insert(dashboardWidgets).values(placed.map((p) => widgetRow(tenantId, row.id, p)));
  });
}

/** The tenant's dashboards (the default one created on first use). */
export async function listDashboards(db: Database, tenantId: string) {
  await ensureDefaultDashboard(db, tenantId);
  const rows = await db
    .select()
    .from(dashboards)
    .where(eq(dashboards.tenantId, tenantId))
    .orderBy(asc(dashboards.createdAt));
  return { data: rows.map(summary) };
}

/** A dashboard with its widgets. */
export async function getDashboard(db: Database, tenantId: string, id: string) {
  const dashboard = await findDashboard(db, tenantId, id);
  return { ...summary(dashboard), widgets: (await widgetsOf(db, id)).map(widgetView) };
}

/** Raises the dashboard's version (every save does). */
export const bump = { version: sql`${dashboards.version} + 1`, updatedAt: new Date() };

/** Changes a dashboard's settings (its version goes up). */
export async function updateDashboard(db: Database, tenantId: string, id: string, patch: DashboardPatch) {
  await findDashboard(db, tenantId, id);
  requireChanges(patch);
  await db
    .update(dashboards)
    .set({ ...patch, ...bump })
    .where(and(eq(dashboards.tenantId, tenantId), eq(dashboards.id, id)));
  return getDashboard(db, tenantId, id);
}

/** Deletes a dashboard and its widgets. */
export async function deleteDashboard(db: Database, tenantId: string, id: string) {
  const deleted = await db
    .delete(dashboards)
    .where(and(eq(dashboards.tenantId, tenantId), eq(dashboards.id, id)))
    .returning({ id: dashboards.id });
  if (!deleted.length) throw notFound("Dashboard");
}

/** Adds a widget: its query checked against its type and the catalog, placed where asked or in the first free slot. */
export async function addWidget(db: Database, tenantId: string, dashboardId: string, body: WidgetBody) {
  await findDashboard(db, tenantId, dashboardId);
  const existing = await widgetsOf(db, dashboardId);
  if (existing.length >= MAX_WIDGETS)
    throw new AppError("conflict", `A dashboard holds at most ${MAX_WIDGETS} widgets`);
  const [placed] = placeWidgets(existing.map(rectOf), [body]);
  if (!placed) throw new Error("no widget placed");
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(dashboardWidgets)
      .values(widgetRow(tenantId, dashboardId, placed))
      .returning();
    await tx.update(dashboards).set(bump).where(eq(dashboards.id, dashboardId));
    return inserted;
  });
  if (!row) throw new Error("widget insert returned nothing");
  return widgetView(row);
}

/** A widget of the tenant's dashboard and its siblings, or 404. */
export async function findWidget(db: Database, tenantId: string, dashboardId: string, widgetId: string) {
  await findDashboard(db, tenantId, dashboardId);
  const widgets = await widgetsOf(db, dashboardId);
  const widget = widgets.find((w) => w.id === widgetId);
  if (!widget) throw notFound("Widget");
  return { widget, others: widgets.filter((w) => w.id !== widgetId) };
}

/** Changes a widget (the merged result is checked as a whole, its layout against the others). */
export async function updateWidget(
  db: Database,
  tenantId: string,
  dashboardId: string,
  widgetId: string,
  patch: WidgetPatch,
) {
  const { widget, others } = await findWidget(db, tenantId, dashboardId, widgetId);
  requireChanges(patch);
  const type = patch.type ?? widget.type;
  const query =
    patch.query ?? (type === "text" || widget.type === "text" ? undefined : (widget.query as never));
  checkWidgetQuery(type, type === "text" ? patch.query : query);
  const layout = patch.layout ?? rectOf(widget);
  checkLayout([...others.map((w) => ({ id: w.id, layout: rectOf(w) })), { id: widgetId, layout }]);
  const [row] = await db.transaction(async (tx) => {
    const updated = await tx
      .update(dashboardWidgets)
      .set({
        type,
        title: patch.title ?? widget.title,
        query: type === "text" ? {} : ((query ?? {}) as Record<string, unknown>),
        options: patch.options ?? widget.options,
        ...layout,
      })
      .where(eq(dashboardWidgets.id, widgetId))
      .returning();
    await tx.update(dashboards).set(bump).where(eq(dashboards.id, dashboardId));
    return updated;
  });
  if (!row) throw notFound("Widget");
  return widgetView(row);
}

/** Removes a widget. */
export async function deleteWidget(db: Database, tenantId: string, dashboardId: string, widgetId: string) {
  await findWidget(db, tenantId, dashboardId, widgetId);
  await db.transaction(async (tx) => {
    await tx.delete(dashboardWidgets).where(eq(dashboardWidgets.id, widgetId));
    await tx.update(dashboards).set(bump).where(eq(dashboards.id, dashboardId));
  });
}
