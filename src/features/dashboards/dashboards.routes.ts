import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { text } from "../../lib/text";
import { featureRoutes } from "../auth/api-route";
import { renderChart } from "../charts/svg";
import { dashboardData, oneWidgetData } from "./dashboard-data";
import { saveLayout } from "./dashboard-layout";
import {
  DashboardData,
  DashboardInput,
  DashboardList,
  DashboardSchema,
  DashboardUpdate,
  DataQuery,
  LayoutInput,
  LayoutResult,
  WidgetInput,
  WidgetParams,
  WidgetSchema,
  WidgetUpdate,
} from "./dashboards.schemas";
import {
  addWidget,
  createDashboard,
  deleteDashboard,
  deleteWidget,
  getDashboard,
  listDashboards,
  updateDashboard,
  updateWidget,
} from "./dashboards.service";

const route = featureRoutes(["Dashboards"]);
const noContent = { 204: { description: "Deleted" } };

export const dashboardsRoutes = createRouter()
  .openapi(
    route("dashboards:read", {
      method: "get",
      path: "/",
      summary: "The tenant's dashboards (a new tenant starts with the support dashboard)",
      responses: { 200: json(DashboardList, "Dashboards, oldest first") },
    }),
    async (c) => c.json(await listDashboards(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    route("dashboards:manage", {
      method: "post",
      path: "/",
      summary: "Create a dashboard, optionally with widgets",
      description:
        "Widgets without a layout go to the first free slot of the 24-column grid; overlapping layouts are refused.",
      request: jsonBody(DashboardInput),
      errors: [400],
      responses: { 201: json(DashboardSchema, "The dashboard") },
    }),
    async (c) => {
      const { principal } = c.var;
      const createdBy = principal.kind === "user" ? principal.id : null;
      return c.json(await createDashboard(c.var.db, principal.tenantId, createdBy, c.req.valid("json")), 201);
    },
  )
  .openapi(
    route("dashboards:read", {
      method: "get",
      path: "/{id}",
      summary: "A dashboard and its widgets",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(DashboardSchema, "The dashboard") },
    }),
    async (c) => c.json(await getDashboard(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("dashboards:manage", {
      method: "put",
      path: "/{id}",
      summary: "Change a dashboard's title, description, tags, time range, time zone or refresh",
      request: { params: IdParams, ...jsonBody(DashboardUpdate) },
      errors: [400, 404],
      responses: { 200: json(DashboardSchema, "The dashboard") },
    }),
    async (c) =>
      c.json(
        await updateDashboard(
          c.var.db,
          c.var.principal.tenantId,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
        200,
      ),
  )
  .openapi(
    route("dashboards:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a dashboard and its widgets",
      request: { params: IdParams },
      errors: [400, 404],
      responses: noContent,
    }),
    async (c) => {
      await deleteDashboard(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("dashboards:manage", {
      method: "post",
      path: "/{id}/widgets",
      summary: "Add a widget (kpi, timeseries, bar, pie, table, leaderboard or text)",
      description:
        "The query must fit the type (kpi: one metric; timeseries: a bucket; bar, pie, leaderboard, table: a groupBy) and the catalog.",
      request: { params: IdParams, ...jsonBody(WidgetInput) },
      errors: [400, 404, 409],
      responses: { 201: json(WidgetSchema, "The widget") },
    }),
    async (c) =>
      c.json(
        await addWidget(c.var.db, c.var.principal.tenantId, c.req.valid("param").id, c.req.valid("json")),
        201,
      ),
  )
  .openapi(
    route("dashboards:manage", {
      method: "put",
      path: "/{id}/widgets/{widgetId}",
      summary: "Change a widget",
      request: { params: WidgetParams, ...jsonBody(WidgetUpdate) },
      errors: [400, 404],
      responses: { 200: json(WidgetSchema, "The widget") },
    }),
    async (c) => {
      const { id, widgetId } = c.req.valid("param");
      return c.json(
        await updateWidget(c.var.db, c.var.principal.tenantId, id, widgetId, c.req.valid("json")),
        200,
      );
    },
  )
  .openapi(
    route("dashboards:manage", {
      method: "delete",
      path: "/{id}/widgets/{widgetId}",
      summary: "Remove a widget",
      request: { params: WidgetParams },
      errors: [400, 404],
      responses: noContent,
    }),
    async (c) => {
      const { id, widgetId } = c.req.valid("param");
      await deleteWidget(c.var.db, c.var.principal.tenantId, id, widgetId);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("dashboards:manage", {
      method: "put",
      path: "/{id}/layout",
      summary: "Save every widget's position at once, guarded by the dashboard's version",
      description:
        "A stale `version` is refused with 409 (`details.code` VERSION_CONFLICT, `details.current`): reload and reapply.",
      request: { params: IdParams, ...jsonBody(LayoutInput) },
      errors: [400, 404, 409],
      responses: { 200: json(LayoutResult, "The new version") },
    }),
    async (c) =>
      c.json(
        await saveLayout(c.var.db, c.var.principal.tenantId, c.req.valid("param").id, c.req.valid("json")),
        200,
      ),
  )
  .openapi(
    route("dashboards:read", {
      method: "get",
      path: "/{id}/data",
      summary: "Every widget's data in one call, over the dashboard's time range (or from/to/tz)",
      request: { params: IdParams, query: DataQuery },
      errors: [400, 404],
      responses: { 200: json(DashboardData, "Data by widget id") },
    }),
    async (c) =>
      c.json(
        await dashboardData(
          c.var.db,
          c.var.principal.tenantId,
          c.req.valid("param").id,
          c.req.valid("query"),
        ),
        200,
      ),
  )
  .openapi(
    route("dashboards:read", {
      method: "get",
      path: "/{id}/widgets/{widgetId}/chart.svg",
      summary: "The widget as an accessible SVG chart (title, description, axes, labels, legend; no script)",
      description:
        "For emails, the console and docs. Same range parameters as /data; `width` and `height` in pixels.",
      request: {
        params: WidgetParams,
        query: DataQuery.extend({
          width: z.coerce.number().int().min(200).max(1600).optional(),
          height: z.coerce.number().int().min(120).max(1200).optional(),
        }),
      },
      errors: [400, 404],
      responses: {
        200: {
          description: "The chart",
          content: { "image/svg+xml": { schema: text().openapi({ format: "binary" }) } },
        },
      },
    }),
    async (c) => {
      const { id, widgetId } = c.req.valid("param");
      const { width, height, ...range } = c.req.valid("query");
      const {
        widget,
        range: window,
        data,
      } = await oneWidgetData(c.var.db, c.var.principal.tenantId, id, widgetId, range);
      const svg = renderChart({ title: widget.title, data, range: window, width, height });
      return c.body(svg, 200, {
        "Content-Type": "image/svg+xml; charset=utf-8",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
      });
    },
  );
