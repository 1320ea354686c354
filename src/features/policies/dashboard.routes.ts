import { createRouter } from "../../lib/openapi";
import { json } from "../../lib/responses";
import { featureRoutes } from "../auth/api-route";
import {
  LeaderboardSchema,
  MetricsSchema,
  PeriodQuery,
  SettingsSchema,
  SettingsUpdateSchema,
} from "./dashboard.schemas";
import { dashboardLeaderboard, dashboardMetrics, getSettings, updateSettings } from "./dashboard.service";

const tags = ["Dashboard"];
const route = featureRoutes(tags);

export const dashboardRoutes = createRouter()
  .openapi(
    route("dashboard:read", {
      method: "get",
      path: "/metrics",
      summary: "KPIs over the saved policies issued in a period",
      description:
        "`period` (7d, 14d, 30d, 90d; default 30d) or `from` and `to` (issue dates, at most 366 days). Money in rupees. Every figure is defined in docs/policies.md (Dashboard).",
      request: { query: PeriodQuery },
      errors: [400],
      responses: { 200: json(MetricsSchema, "The KPIs") },
    }),
    async (c) =>
      c.json(await dashboardMetrics(c.var.db, c.var.principal.tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    route("dashboard:read", {
      method: "get",
      path: "/leaderboard",
      summary: "Per rep (callerName): policies, GWP, brokerage, cashback and net, ranked by net",
      request: { query: PeriodQuery },
      errors: [400],
      responses: { 200: json(LeaderboardSchema, "Reps, best first") },
    }),
    async (c) =>
      c.json(await dashboardLeaderboard(c.var.db, c.var.principal.tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    route("dashboard:read", {
      method: "get",
      path: "/settings",
      summary: "The dashboard settings (defaults until saved)",
      responses: { 200: json(SettingsSchema, "The settings") },
    }),
    async (c) => c.json(await getSettings(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    route("dashboard:manage", {
      method: "put",
      path: "/settings",
      summary: "Change some dashboard settings",
      request: {
        body: { content: { "application/json": { schema: SettingsUpdateSchema } }, required: true },
      },
      errors: [400],
      responses: { 200: json(SettingsSchema, "The settings") },
    }),
    async (c) => c.json(await updateSettings(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 200),
  );
