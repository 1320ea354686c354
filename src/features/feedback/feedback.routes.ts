import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { authorize } from "../auth/auth.middleware";
import { FeedbackBody, FeedbackSchema, FeedbackStats, MessageFeedbackList } from "./feedback.schemas";
import { feedbackFor, feedbackStats, giveFeedback } from "./feedback.service";

const tags = ["Feedback"];
const security = bearerSecurity;

/** Likes and dislikes of messages. Mounted at /api/messages. */
export const feedbackRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/feedback/stats",
      tags,
      security,
      middleware: authorize("conversations:read"),
      summary: "Feedback counts: likes, dislikes, the reasons given, per agent",
      responses: { 200: json(FeedbackStats, "Statistics"), ...errors(...authErrors) },
    }),
    async (c) => c.json(await feedbackStats(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/feedback",
      tags,
      security,
      middleware: authorize("conversations:write"),
      summary: "Like or dislike a message (one per user and message; sending again updates it)",
      request: { params: IdParams, ...jsonBody(FeedbackBody) },
      responses: {
        201: json(FeedbackSchema, "Recorded"),
        200: json(FeedbackSchema, "Updated the caller's earlier feedback"),
        ...errors(400, 404, ...authErrors),
      },
    }),
    async (c) => {
      const { created, feedback } = await giveFeedback(
        c.var.db,
        c.var.principal,
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return created ? c.json(feedback, 201) : c.json(feedback, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/feedback",
      tags,
      security,
      middleware: authorize("conversations:read"),
      summary: "The feedback on a message, with its like and dislike counts",
      request: { params: IdParams },
      responses: { 200: json(MessageFeedbackList, "Feedback"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => c.json(await feedbackFor(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  );
