import { createRoute, z } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import pkg from "../package.json";
import { ConfigError, loadConfig } from "./env";
import { actionRoutes } from "./features/actions/actions.routes";
import { agentRoutes, aiConfigRoutes } from "./features/ai/ai.routes";
import { openAiCompatRoutes } from "./features/ai/openai-compat.routes";
import { apiKeyRoutes } from "./features/api-keys/api-keys.routes";
import { authRoutes } from "./features/auth/auth.routes";
import { conversationRoutes } from "./features/conversations/conversations.routes";
import { realtimeRoutes } from "./features/conversations/realtime.routes";
import { documentRoutes } from "./features/documents/documents.routes";
import { conversationFeedbackRoutes, feedbackRoutes } from "./features/feedback/feedback.routes";
import { inboxRoutes } from "./features/inbox/inbox.routes";
import { knowledgeRoutes } from "./features/knowledge/knowledge.routes";
import { chatRoutes } from "./features/plans/chat.routes";
import { planRoutes } from "./features/plans/plans.routes";
import { policyRoutes } from "./features/policies/policies.routes";
import { policyUploadRoutes } from "./features/policies/uploads.routes";
import { docsPage } from "./features/system/docs";
import { systemRoutes } from "./features/system/system.routes";
import { tenantRoutes } from "./features/tenants/tenants.routes";
import { widgetKeyRoutes, widgetRoutes } from "./features/widget/widget.routes";
import { requestBodyLimit } from "./lib/body-limit";
import { AppError, errorBody, errorCodeFor } from "./lib/errors";
import { describeError, log } from "./lib/logger";
import { createRouter } from "./lib/openapi";
import { requestLog, requestServices } from "./lib/request-context";
import { json } from "./lib/responses";

/** Builds the Worker's HTTP app: middleware, feature routers, the OpenAPI document and docs. */
export function createApp() {
  // The same router (and validation hook) every feature uses.
  const app = createRouter();

  app.use(requestLog);
  app.use(
    cors({
      origin: (origin, c) => {
        // Widget sessions come from tenants' own sites; the route checks the Origin against the widget key.
        if (c.req.path.startsWith("/api/widget/")) return origin;
        const allowed = loadConfig(c.env).corsOrigins;
        return allowed.includes("*") || allowed.includes(origin) ? origin : null;
      },
      allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
      exposeHeaders: ["X-Request-Id", "Retry-After"],
      maxAge: 600,
    }),
  );
  app.use(secureHeaders());
  app.use(requestBodyLimit);

  // Liveness: no dependencies, so it answers even when the configuration or database is broken.
  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["System"],
      summary: "Liveness (no dependencies)",
      responses: { 200: json(z.object({ status: z.literal("ok") }), "Alive") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );
  app.get("/docs", (c) => c.html(docsPage));

  app.use("/api/*", requestServices);
  app.use("/v1/*", requestServices);
  app.use("/chat/*", requestServices);
  app.route("/v1", openAiCompatRoutes);
  app.route("/api", systemRoutes);
  app.route("/api/auth", authRoutes);
  app.route("/api/tenants", tenantRoutes);
  app.route("/api/api-keys", apiKeyRoutes);
  app.route("/api/conversations", conversationRoutes);
  app.route("/api", realtimeRoutes);
  app.route("/api", inboxRoutes);
  app.route("/api/widget-keys", widgetKeyRoutes);
  app.route("/api/widget", widgetRoutes);
  app.route("/api/agents", agentRoutes);
  app.route("/api/ai", aiConfigRoutes);
  app.route("/api/documents", documentRoutes);
  app.route("/api/knowledge", knowledgeRoutes);
  app.route("/api/agents", actionRoutes);
  app.route("/api/plans", planRoutes);
  app.route("/api/upload", policyUploadRoutes);
  app.route("/api/policies", policyRoutes);
  app.route("/api/messages", feedbackRoutes);
  app.route("/api/conversations", conversationFeedbackRoutes);
  app.route("/chat", chatRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An access token from /api/auth/login, or a tenant API key (sb_…)",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: pkg.version,
      description:
        "Backend for AI-assisted customer conversations. Errors share one envelope: `{ error: { code, message, requestId, details? } }`.",
    },
  });

  app.notFound((c) => {
    const error = new AppError("not_found", `No route for ${c.req.method} ${c.req.path}`);
    return c.json(errorBody(error, c.get("requestId") ?? ""), 404);
  });

  app.onError((err, c) => {
    const requestId = c.get("requestId") ?? "";
    if (err instanceof AppError) {
      return c.json(errorBody(err, requestId), err.status, err.headers);
    }
    // Hono's own 4xx (e.g. a malformed JSON body) keep their status and message.
    if (err instanceof HTTPException && err.status < 500) {
      const error = new AppError(errorCodeFor(err.status), err.message);
      return c.json(errorBody(error, requestId), error.status);
    }
    const message = err instanceof ConfigError ? "Server is misconfigured" : "Internal server error";
    log("error", message, { requestId, path: c.req.path, ...describeError(err) });
    return c.json(errorBody(new AppError("internal", message), requestId), 500);
  });

  return app;
}
