import type { Database } from "../../db/client";
import { AppError, notFound } from "../../lib/errors";
import { loadConversation } from "../conversations/conversations.service";
import { roomFor } from "../conversations/room-client";
import { type FeedbackInput, giveFeedback } from "../feedback/feedback.service";
import { verifyVisitorToken } from "./visitor-token";

/**
 * A visitor's like or dislike of a message in their own conversation, authorised by their visitor
 * token (`Authorization: Bearer …`); another visitor's conversation is a 404.
 */
export async function giveVisitorFeedback(
  deps: { db: Database; env: Env; secret: string },
  authorization: string | undefined,
  conversationId: string,
  messageId: string,
  input: FeedbackInput,
) {
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  const visitor = token ? await verifyVisitorToken(token, deps.secret) : null;
  if (!visitor) throw new AppError("unauthorized", "A visitor token is required");
  const conversation = await loadConversation(deps.db, visitor.tenantId, conversationId);
  if (conversation.visitorId !== visitor.visitorId) throw notFound("Conversation");
  const rater = { kind: "visitor" as const, id: visitor.visitorId, tenantId: visitor.tenantId };
  const { userId: _ignored, ...rating } = input;
  return giveFeedback(deps.db, rater, messageId, rating, roomFor(deps.env, conversationId));
}
