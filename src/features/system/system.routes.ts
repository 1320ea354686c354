import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import pkg from "../../../package.json";
import { describeError, log } from "../../lib/logger";
import { createRouter } from "../../lib/openapi";
import { json } from "../../lib/responses";
import { text } from "../../lib/text";
import { createEmbeddings } from "../../providers/embeddings";
import { featureRoutes } from "../auth/api-route";
import { describeSearchMode } from "../knowledge/search-mode";
import { docsPage } from "./docs";
import { tenantMetrics, toPrometheus } from "./metrics.service";

const tags = ["System"];
const route = featureRoutes(tags);
const HEALTH_TIMEOUT_MS = 5_000;

const HealthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    database: z.object({ ok: z.boolean(), latencyMs: z.number(), error: text().optional() }),
  })
  .openapi("Health");

const StatusSchema = z
  .object({
    name: z.literal("switchboard"),
    version: text(),
    commit: text(),
    environment: text(),
    providers: z.record(text(), text()),
  })
  .openapi("Status");

const MetricsSchema = z
  .object({
    tenants: z.array(
      z.object({
        tenantId: z.uuid(),
        users: z.number().int(),
        activeUsers: z.number().int(),
        activeApiKeys: z.number().int(),
        activeSessions: z.number().int(),
        conversations: z.number().int(),
        openConversations: z.number().int(),
        messages: z.number().int(),
        outboxPending: z.number().int(),
        flushLagSeconds: z.number(),
        outboxDead: z.number().int(),
      }),
    ),
  })
  .openapi("Metrics");

/** Liveness and the interactive docs at the root: no dependencies, so they answer even when the configuration or database is broken. */
export const rootRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["System"],
      summary: "Liveness (no dependencies)",
      responses: { 200: json(z.object({ status: z.literal("ok") }), "Alive") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  )
  .get("/docs", (c) => c.html(docsPage));

/** Health, status and metrics below /api (they need the request context). */
export const systemRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags,
      summary: "Readiness: a database round trip with its latency",
      responses: { 200: json(HealthSchema, "Database reachable"), 503: json(HealthSchema, "Database down") },
    }),
    async (c) => {
      const started = performance.now();
      try {
        await Promise.race([
          c.var.db.execute(sql`select 1`),
          new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), HEALTH_TIMEOUT_MS)),
        ]);
        const latencyMs = Math.round((performance.now() - started) * 10) / 10;
        return c.json({ status: "ok" as const, database: { ok: true, latencyMs } }, 200);
      } catch (error) {
        log("error", "health check: database unreachable", {
          requestId: c.var.requestId,
          ...describeError(error),
        });
        const latencyMs = Math.round(performance.now() - started);
        return c.json(
          {
            status: "unavailable" as const,
            database: { ok: false, latencyMs, error: "database unreachable" },
          },
          503,
        );
      }
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Version, commit and which providers are configured",
      responses: { 200: json(StatusSchema, "Status") },
    }),
    async (c) => {
      const { config } = c.var;
      const embeddings = createEmbeddings(config);
      return c.json(
        {
          name: "switchboard" as const,
          version: pkg.version,
          commit: config.GIT_COMMIT,
          environment: config.ENVIRONMENT,
          providers: {
            database: config.DB_PROXY_URL ? "postgres (local proxy)" : "neon",
            email: config.EMAIL_PROVIDER,
            storage: config.STORAGE_PROVIDER,
            ocr: config.OCR_PROVIDER,
            embeddings: embeddings ? `openai-compatible (${embeddings.model})` : "none",
            search: await describeSearchMode(c.var.db, embeddings),
          },
        },
        200,
      );
    },
  )
  .openapi(
    route("metrics:read", {
      method: "get",
      path: "/metrics",
      summary: "Counts per tenant in the caller's scope (Prometheus text with Accept: text/plain)",
      responses: {
        200: {
          description: "Metrics",
          content: {
            "application/json": { schema: MetricsSchema },
            "text/plain": { schema: text() },
          },
        },
      },
    }),
    async (c) => {
      const rows = await tenantMetrics(c.var.db, c.env, c.var.principal);
      if (c.req.header("Accept")?.includes("text/plain")) {
        return c.text(toPrometheus(rows), 200, {
          "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
        });
      }
      return c.json({ tenants: rows }, 200);
    },
  );
