import type { OpenAPIHono } from "@hono/zod-openapi";
import { secureHeaders } from "hono/secure-headers";
import pkg from "../package.json";
import { consoleRoutes } from "./features/console/console.routes";
import { rootRoutes, systemRoutes } from "./features/system/system.routes";
import type { AppEnv } from "./lib/app-env";
import { corsPolicy, errorHandler, notFoundHandler } from "./lib/app-handlers";
import { requestBodyLimit } from "./lib/body-limit";
import { createRouter } from "./lib/openapi";
import { requestLog, requestServices } from "./lib/request-context";

type Router = OpenAPIHono<AppEnv>;

interface Mount {
  /** Where the router is mounted. */
  at: string;
  /** The first path segments ("/api/x" or "/x") it serves, when not just `at`'s. */
  serves?: string[];
  /** import() only: the router's module (and its schemas) loads on the first request it serves. */
  load: () => Promise<Router>;
}

// A cold isolate builds only the routers of the requests it serves: building every route's zod
// schemas at load was most of the Worker's startup CPU (docs/benchmarks.md, Worker startup). Order
// matters where two routers serve the same segment: the earlier one's routes match first.
const mounts: Mount[] = [
  { at: "/v1", load: () => import("./features/ai/openai-compat.routes").then((m) => m.openAiCompatRoutes) },
  {
    at: "/api/auth/session",
    serves: ["/api/auth"],
    load: () => import("./features/auth/browser-session.routes").then((m) => m.browserSessionRoutes),
  },
  { at: "/api/auth", load: () => import("./features/auth/auth.routes").then((m) => m.authRoutes) },
  { at: "/api/tenants", load: () => import("./features/tenants/tenants.routes").then((m) => m.tenantRoutes) },
  {
    at: "/api/api-keys",
    load: () => import("./features/api-keys/api-keys.routes").then((m) => m.apiKeyRoutes),
  },
  {
    at: "/api/conversations",
    load: () => import("./features/conversations/conversations.routes").then((m) => m.conversationRoutes),
  },
  {
    at: "/api",
    serves: ["/api/conversations"],
    load: () => import("./features/conversations/realtime.routes").then((m) => m.realtimeRoutes),
  },
  {
    at: "/api",
    serves: ["/api/inbox"],
    load: () => import("./features/inbox/inbox.routes").then((m) => m.inboxRoutes),
  },
  {
    at: "/api/widget-keys",
    load: () => import("./features/widget/widget.routes").then((m) => m.widgetKeyRoutes),
  },
  { at: "/api/widget", load: () => import("./features/widget/widget.routes").then((m) => m.widgetRoutes) },
  { at: "/api/agents", load: () => import("./features/ai/ai.routes").then((m) => m.agentRoutes) },
  { at: "/api/ai", load: () => import("./features/ai/ai.routes").then((m) => m.aiConfigRoutes) },
  {
    at: "/api/documents",
    load: () => import("./features/documents/documents.routes").then((m) => m.documentRoutes),
  },
  {
    at: "/api/knowledge",
    load: () => import("./features/knowledge/knowledge.routes").then((m) => m.knowledgeRoutes),
  },
  { at: "/api/agents", load: () => import("./features/actions/actions.routes").then((m) => m.actionRoutes) },
  { at: "/api/plans", load: () => import("./features/plans/plans.routes").then((m) => m.planRoutes) },
  {
    at: "/api/upload",
    load: () => import("./features/policies/uploads.routes").then((m) => m.policyUploadRoutes),
  },
  {
    at: "/api/policies",
    load: () => import("./features/policies/policies.routes").then((m) => m.policyRoutes),
  },
  {
    at: "/api/dashboard",
    load: () => import("./features/policies/dashboard.routes").then((m) => m.dashboardRoutes),
  },
  {
    at: "/api/analytics",
    load: () => import("./features/analytics/analytics.routes").then((m) => m.analyticsRoutes),
  },
  {
    at: "/api/dashboards",
    load: () => import("./features/dashboards/dashboards.routes").then((m) => m.dashboardsRoutes),
  },
  {
    at: "/api/messages",
    load: () => import("./features/feedback/feedback.routes").then((m) => m.feedbackRoutes),
  },
  {
    at: "/api/conversations",
    load: () => import("./features/feedback/feedback.routes").then((m) => m.conversationFeedbackRoutes),
  },
  {
    at: "/api/webhooks",
    load: () => import("./features/webhooks/webhooks.routes").then((m) => m.webhookRoutes),
  },
  { at: "/api/teams", load: () => import("./features/teams/teams.routes").then((m) => m.teamRoutes) },
  {
    at: "/api",
    serves: ["/api/attachment-uploads", "/api/attachments", "/api/conversations"],
    load: () => import("./features/attachments/attachments.routes").then((m) => m.attachmentRoutes),
  },
  {
    at: "/api/widget",
    load: () =>
      import("./features/attachments/widget-attachments.routes").then((m) => m.widgetAttachmentRoutes),
  },
  {
    at: "/api/me",
    load: () => import("./features/notifications/notifications.routes").then((m) => m.notificationRoutes),
  },
  { at: "/chat", load: () => import("./features/plans/chat.routes").then((m) => m.chatRoutes) },
  {
    at: "/api/analytics/business-hours",
    serves: ["/api/analytics"],
    load: () => import("./features/analytics/business-hours.routes").then((m) => m.businessHoursRoutes),
  },
  {
    at: "/api/conversations",
    load: () => import("./features/analytics/csat.routes").then((m) => m.csatRoutes),
  },
  {
    at: "/api/widget",
    load: () => import("./features/analytics/csat.routes").then((m) => m.widgetCsatRoutes),
  },
  {
    at: "/api/contacts",
    load: () => import("./features/contacts/contacts.routes").then((m) => m.contactRoutes),
  },
  { at: "/api/labels", load: () => import("./features/labels/labels.routes").then((m) => m.labelRoutes) },
  {
    at: "/api/conversations",
    load: () => import("./features/labels/labels.routes").then((m) => m.conversationLabelRoutes),
  },
  {
    at: "/api/conversations",
    load: () =>
      import("./features/conversations/conversation-lifecycle.routes").then(
        (m) => m.conversationLifecycleRoutes,
      ),
  },
  {
    at: "/api/canned-responses",
    load: () =>
      import("./features/canned-responses/canned-responses.routes").then((m) => m.cannedResponseRoutes),
  },
  {
    at: "/api/channels",
    load: () => import("./features/channels/channels.routes").then((m) => m.channelRoutes),
  },
  {
    at: "/webhooks",
    load: () => import("./features/channels/webhooks.routes").then((m) => m.channelWebhookRoutes),
  },
];

const loadRouters = (serving: Mount[]) =>
  Promise.all(serving.map(async ({ at, load }): Promise<[string, Router]> => [at, await load()]));

/** The first path segment, or the first two below /api: what picks a request's routers. */
function segmentOf(path: string): string {
  const [first, second] = path.split("/").slice(1);
  return first === "api" && second ? `/api/${second}` : `/${first ?? ""}`;
}

/** The middleware every request passes, the routers given, /openapi.json, and the error model. */
function buildApp(routers: [at: string, router: Router][]): Router {
  const app = createRouter();
  app.use(requestLog);
  app.use(corsPolicy);
  app.use(secureHeaders());
  app.use(requestBodyLimit);
  app.route("/", rootRoutes);
  app.route("/", consoleRoutes);
  app.use("/api/*", requestServices);
  app.use("/v1/*", requestServices);
  app.use("/chat/*", requestServices);
  app.use("/webhooks/*", requestServices);
  app.route("/api", systemRoutes);
  for (const [at, router] of routers) app.route(at, router);
  app.get("/openapi.json", async (c) => {
    document ??= openApiDocument(await documentedApp());
    return c.json(document);
  });
  app.notFound(notFoundHandler);
  app.onError(errorHandler);
  return app;
}

/** The app with every router, whose registry is the whole OpenAPI document. */
export async function documentedApp(): Promise<Router> {
  const routers = await Promise.all(
    mounts.map(async ({ at, load }) => [at, await load()] as [string, Router]),
  );
  const app = buildApp(routers);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An access token from /api/auth/login, or a tenant API key (sb_…)",
  });
  return app;
}

// Plain data, so one isolate builds it once.
let document: ReturnType<typeof openApiDocument> | undefined;

function openApiDocument(app: Router) {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: pkg.version,
      description:
        "Backend for AI-assisted customer conversations. Errors share one envelope: `{ error: { code, message, requestId, details? } }`.",
    },
  });
}

/** Builds the Worker's HTTP handler: per first path segment, an app with the routers serving it, built on first use. */
export function createApp() {
  // Apps, never promises of them: a promise settled by another request's code would hang this one.
  const apps = new Map<string, Router>();
  return {
    fetch: async (request: Request, env: Env, ctx: ExecutionContext) => {
      const segment = segmentOf(new URL(request.url).pathname);
      let app = apps.get(segment);
      if (!app) {
        const serving = mounts.filter(({ at, serves }) => (serves ?? [segmentOf(at)]).includes(segment));
        const routers = await loadRouters(serving);
        app = apps.get(segment) ?? buildApp(routers);
        apps.set(segment, app);
      }
      return app.fetch(request, env, ctx);
    },
  };
}
