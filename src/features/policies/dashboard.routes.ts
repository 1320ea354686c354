import { createRouter } from "../../lib/openapi";
import { json } from "../../lib/responses";
import { text } from "../../lib/text";
import { featureRoutes } from "../auth/api-route";
import {
  LeaderboardSchema,
  MetricsSchema,
  PeriodQuery,
  SettingsSchema,
  SettingsUpdateSchema,
} from "./dashboard.schemas";
import { dashboardLeaderboard, dashboardMetrics, getSettings, updateSettings } from "./dashboard.service";
import { ExplorerQuery, ExplorerSchema } from "./explorer.schemas";
import { EXPORT_MAX_ROWS, explore, exploreCsv } from "./explorer.service";

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
      path: "/explorer",
      summary: "Sales explorer: saved policies filtered, with sums, sums per group, and CSV export",
      description: `The policy list's filters (no status: saved records only) plus model, rollover, vehiclePrefix (state code or BH), cashbackMin/cashbackMax (rupees) and groupBy (insurer, make, rep, branch, month). Money in rupees. \`Accept: text/csv\` (or \`format=csv\`) answers CSV with two-decimal rupees: the groups when grouped, else every matching row (at most ${EXPORT_MAX_ROWS}; \`X-Total-Count\` says how many matched).`,
      request: { query: ExplorerQuery },
      errors: [400],
      responses: {
        200: {
          description: "The figures (JSON), or the export (CSV)",
          content: {
            "application/json": { schema: ExplorerSchema },
            "text/csv": { schema: text().openapi({ example: "insurer,policies,gwp\r\n" }) },
          },
        },
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const tenantId = c.var.principal.tenantId;
      const wantsCsv =
        query.format === "csv" || (!query.format && /\btext\/csv\b/i.test(c.req.header("Accept") ?? ""));
      if (!wantsCsv) return c.json(await explore(c.var.db, tenantId, query), 200);
      const { csv, total } = await exploreCsv(c.var.db, tenantId, query);
      return c.body(csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="policies.csv"',
        "X-Total-Count": String(total),
      });
    },
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
