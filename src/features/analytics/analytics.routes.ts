import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { createRouter } from "../../lib/openapi";
import { json } from "../../lib/responses";
import { text } from "../../lib/text";
import { featureRoutes } from "../auth/api-route";
import {
  type AnalyticsParams,
  AnalyticsQuery,
  CatalogSchema,
  OverviewSchema,
  ReportSchema,
} from "./analytics.schemas";
import { analyticsOverview, analyticsReport, catalogListing, type ReportName } from "./analytics.service";
import { reportCsv, wantsCsv } from "./csv";

const route = featureRoutes(["Analytics"]);

const csvOr = <T extends z.ZodType>(schema: T, description: string) => ({
  ...json(schema, description),
  content: {
    ...json(schema, description).content,
    "text/csv": { schema: text().openapi({ description: "section,key,bucket,metric,value rows" }) },
  },
});

const PARAMS_NOTE =
  "`from`/`to` are local dates in `tz` (default: the last 30 days), `businessHours=true` reports durations in business hours, `channel`, `agentId` (AI agent) and `assigneeId` (human) filter where a metric has that dimension, `groupBy` buckets the series. `Accept: text/csv` returns CSV. Definitions: docs/analytics.md.";

const reportRoute = (name: ReportName, summary: string) =>
  route("analytics:read", {
    method: "get",
    path: `/${name}`,
    summary,
    description: PARAMS_NOTE,
    request: { query: AnalyticsQuery },
    errors: [400],
    responses: { 200: csvOr(ReportSchema, "Totals, series and tables") },
  });

/** JSON, or CSV when the client asked for it. */
function answer<T extends Parameters<typeof reportCsv>[0]>(c: Context<AppEnv>, body: T) {
  if (!wantsCsv(c.req.header("Accept"))) return c.json(body, 200);
  return c.body(reportCsv(body), 200, { "Content-Type": "text/csv; charset=utf-8" });
}

const report = (name: ReportName) => async (c: Context<AppEnv>, params: AnalyticsParams) =>
  answer(c, await analyticsReport(c.var.db, c.var.principal.tenantId, name, params));

export const analyticsRoutes = createRouter()
  .openapi(
    route("analytics:read", {
      method: "get",
      path: "/metrics",
      summary: "The metric catalog: every metric's id, definition, unit, statistics, dimensions and filters",
      responses: { 200: json(CatalogSchema, "The catalog") },
    }),
    (c) => c.json(catalogListing(), 200),
  )
  .openapi(
    route("analytics:read", {
      method: "get",
      path: "/dashboard",
      summary: "Overview: totals, open now, today against yesterday, top agents and channels",
      description: PARAMS_NOTE,
      request: { query: AnalyticsQuery },
      errors: [400],
      responses: { 200: csvOr(OverviewSchema, "The overview") },
    }),
    async (c) => {
      const overview = await analyticsOverview(c.var.db, c.var.principal.tenantId, c.req.valid("query"));
      if (!wantsCsv(c.req.header("Accept"))) return c.json(overview, 200);
      const totals: Record<string, number | null> = { ...overview.totals, open_now: overview.openNow };
      for (const [key, value] of Object.entries(overview.today)) totals[`today_${key}`] = value;
      for (const [key, value] of Object.entries(overview.yesterday)) totals[`yesterday_${key}`] = value;
      const tables = [
        {
          name: "topAgents",
          columns: ["conversations_resolved"],
          rows: overview.topAgents.map((a) => ({ key: a.userId, values: [a.resolved] })),
        },
        {
          name: "topChannels",
          columns: ["conversations_new"],
          rows: overview.topChannels.map((ch) => ({ key: ch.channel, values: [ch.conversations] })),
        },
      ];
      return c.body(reportCsv({ totals, series: overview.series, tables }), 200, {
        "Content-Type": "text/csv; charset=utf-8",
      });
    },
  )
  .openapi(
    reportRoute(
      "agents",
      "Human agents (resolved, replies, FRT, resolution time, CSAT) and AI agents (answers, rates, tokens, cost)",
    ),
    (c) => report("agents")(c, c.req.valid("query")),
  )
  .openapi(
    reportRoute(
      "conversations",
      "Conversations: new, reopened, resolved, open now, FRT, reply and resolution times",
    ),
    (c) => report("conversations")(c, c.req.valid("query")),
  )
  .openapi(
    reportRoute(
      "channels",
      "Channels: messages in/out, delivery failures by code, window-closed refusals, template sends",
    ),
    (c) => report("channels")(c, c.req.valid("query")),
  )
  .openapi(
    reportRoute(
      "ai",
      "AI: involvement, answer, resolution, automation, handoff and deflection rates, citations, tokens, cost, plans",
    ),
    (c) => report("ai")(c, c.req.valid("query")),
  )
  .openapi(reportRoute("csat", "CSAT: score, response rate, responses by rating and by agent"), (c) =>
    report("csat")(c, c.req.valid("query")),
  );
