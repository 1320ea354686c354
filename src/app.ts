import { secureHeaders } from "hono/secure-headers";
import pkg from "../package.json";
import { actionRoutes } from "./features/actions/actions.routes";
import { agentRoutes, aiConfigRoutes } from "./features/ai/ai.routes";
import { openAiCompatRoutes } from "./features/ai/openai-compat.routes";
import { analyticsRoutes } from "./features/analytics/analytics.routes";
import { businessHoursRoutes } from "./features/analytics/business-hours.routes";
import { csatRoutes, widgetCsatRoutes } from "./features/analytics/csat.routes";
import { apiKeyRoutes } from "./features/api-keys/api-keys.routes";
import { attachmentRoutes } from "./features/attachments/attachments.routes";
import { widgetAttachmentRoutes } from "./features/attachments/widget-attachments.routes";
import { authRoutes } from "./features/auth/auth.routes";
import { browserSessionRoutes } from "./features/auth/browser-session.routes";
import { cannedResponseRoutes } from "./features/canned-responses/canned-responses.routes";
import { channelRoutes } from "./features/channels/channels.routes";
import { channelWebhookRoutes } from "./features/channels/webhooks.routes";
import { consoleRoutes } from "./features/console/console.routes";
import { contactRoutes } from "./features/contacts/contacts.routes";
import { conversationLifecycleRoutes } from "./features/conversations/conversation-lifecycle.routes";
import { conversationRoutes } from "./features/conversations/conversations.routes";
import { realtimeRoutes } from "./features/conversations/realtime.routes";
import { dashboardsRoutes } from "./features/dashboards/dashboards.routes";
import { documentRoutes } from "./features/documents/documents.routes";
import { conversationFeedbackRoutes, feedbackRoutes } from "./features/feedback/feedback.routes";
import { inboxRoutes } from "./features/inbox/inbox.routes";
import { knowledgeRoutes } from "./features/knowledge/knowledge.routes";
import { conversationLabelRoutes, labelRoutes } from "./features/labels/labels.routes";
import { notificationRoutes } from "./features/notifications/notifications.routes";
import { chatRoutes } from "./features/plans/chat.routes";
import { planRoutes } from "./features/plans/plans.routes";
import { dashboardRoutes } from "./features/policies/dashboard.routes";
import { policyRoutes } from "./features/policies/policies.routes";
import { policyUploadRoutes } from "./features/policies/uploads.routes";
import { rootRoutes, systemRoutes } from "./features/system/system.routes";
import { teamRoutes } from "./features/teams/teams.routes";
import { tenantRoutes } from "./features/tenants/tenants.routes";
import { webhookRoutes } from "./features/webhooks/webhooks.routes";
import { widgetKeyRoutes, widgetRoutes } from "./features/widget/widget.routes";
import { corsPolicy, errorHandler, notFoundHandler } from "./lib/app-handlers";
import { requestBodyLimit } from "./lib/body-limit";
import { createRouter } from "./lib/openapi";
import { requestLog, requestServices } from "./lib/request-context";

/** Builds the Worker's HTTP app: the middleware and the feature routers, and the OpenAPI document. */
export function createApp() {
  // The same router (and validation hook) every feature uses.
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
  app.route("/v1", openAiCompatRoutes);
  app.route("/api", systemRoutes);
  app.route("/api/auth/session", browserSessionRoutes);
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
  app.route("/api/dashboard", dashboardRoutes);
  app.route("/api/analytics", analyticsRoutes);
  app.route("/api/dashboards", dashboardsRoutes);
  app.route("/api/messages", feedbackRoutes);
  app.route("/api/conversations", conversationFeedbackRoutes);
  app.route("/api/webhooks", webhookRoutes);
  app.route("/api/teams", teamRoutes);
  app.route("/api", attachmentRoutes);
  app.route("/api/widget", widgetAttachmentRoutes);
  app.route("/api/me", notificationRoutes);
  app.route("/chat", chatRoutes);
  app.route("/api/analytics/business-hours", businessHoursRoutes);
  app.route("/api/conversations", csatRoutes);
  app.route("/api/widget", widgetCsatRoutes);
  app.route("/api/contacts", contactRoutes);
  app.route("/api/labels", labelRoutes);
  app.route("/api/conversations", conversationLabelRoutes);
  app.route("/api/conversations", conversationLifecycleRoutes);
  app.route("/api/canned-responses", cannedResponseRoutes);
  app.route("/api/channels", channelRoutes);
  app.route("/webhooks", channelWebhookRoutes);

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

  app.notFound(notFoundHandler);
  app.onError(errorHandler);
  return app;
}
