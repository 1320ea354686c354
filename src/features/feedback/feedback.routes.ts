import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import { ConversationMessageParams } from "../conversations/conversations.schemas";
import { loadConversation } from "../conversations/conversations.service";
import { roomFor } from "../conversations/room-client";
import { FeedbackBody, FeedbackSchema, FeedbackStats, MessageFeedbackList } from "./feedback.schemas";
import { feedbackFor, feedbackStats, giveFeedback, type MessageRoom } from "./feedback.service";

const tags = ["Feedback"];
const route = featureRoutes(tags);

/** Likes and dislikes of messages. Mounted at /api/messages. */
export const feedbackRoutes = createRouter()
  .openapi(
    route("conversations:read", {
      method: "get",
      path: "/feedback/stats",
      summary: "Feedback counts: likes, dislikes, the reasons given, per agent",
      responses: { 200: json(FeedbackStats, "Statistics") },
    }),
    async (c) => c.json(await feedbackStats(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/feedback",
      summary: "Like or dislike a message (one per user and message; sending again updates it)",
      request: { params: IdParams, ...jsonBody(FeedbackBody) },
      errors: [400, 404],
      responses: {
        201: json(FeedbackSchema, "Recorded"),
        200: json(FeedbackSchema, "Updated the caller's earlier feedback"),
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
    route("conversations:read", {
      method: "get",
      path: "/{id}/feedback",
      summary: "The feedback on a message, with its like and dislike counts",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(MessageFeedbackList, "Feedback") },
    }),
    async (c) => c.json(await feedbackFor(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  );

/** The message's room, once the conversation is known to be the caller tenant's. */
async function roomOf(c: Context<AppEnv>, conversationId: string): Promise<MessageRoom> {
  await loadConversation(c.var.db, c.var.principal.tenantId, conversationId);
  return roomFor(c.env, conversationId);
}

/**
 * The same feedback addressed through the conversation: works from the message's ack on, before the
 * room has copied it to Postgres. Mounted at /api/conversations.
 */
export const conversationFeedbackRoutes = createRouter()
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/messages/{messageId}/feedback",
      summary: "Like or dislike a message of the conversation, as soon as it is acknowledged",
      request: { params: ConversationMessageParams, ...jsonBody(FeedbackBody) },
      errors: [400, 404, 503],
      responses: {
        201: json(FeedbackSchema, "Recorded"),
        200: json(FeedbackSchema, "Updated the caller's earlier feedback"),
      },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const room = await roomOf(c, id);
      const { created, feedback } = await giveFeedback(
        c.var.db,
        c.var.principal,
        messageId,
        c.req.valid("json"),
        room,
      );
      return created ? c.json(feedback, 201) : c.json(feedback, 200);
    },
  )
  .openapi(
    route("conversations:read", {
      method: "get",
      path: "/{id}/messages/{messageId}/feedback",
      summary: "The feedback on a message of the conversation, with its like and dislike counts",
      request: { params: ConversationMessageParams },
      errors: [400, 404, 503],
      responses: { 200: json(MessageFeedbackList, "Feedback") },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const room = await roomOf(c, id);
      return c.json(await feedbackFor(c.var.db, c.var.principal.tenantId, messageId, room), 200);
    },
  );
