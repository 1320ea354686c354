import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { loadConversation } from "../conversations/conversations.service";
import { roomFor } from "../conversations/room-client";
import { type FeedbackInput, giveFeedback } from "../feedback/feedback.service";
import { verifyVisitorToken } from "./visitor-token";

interface Deps {
  db: Database;
  env: Env;
  secret: string;
}

/** The visitor a bearer visitor token names, and their conversation (someone else's is a 404). */
export async function visitorConversation(
  deps: Deps,
  authorization: string | undefined,
  conversationId: string,
) {
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  const visitor = token ? await verifyVisitorToken(token, deps.secret) : null;
  if (!visitor) throw new AppError("unauthorized", "A visitor token is required");
  const conversation = await loadConversation(deps.db, visitor.tenantId, conversationId);
  if (conversation.visitorId !== visitor.visitorId) throw notFound("Conversation");
  return visitor;
}

/**
 * A visitor's like or dislike of a message in their own conversation, authorised by their visitor
 * token (`Authorization: Bearer …`).
 */
export async function giveVisitorFeedback(
  deps: Deps,
  authorization: string | undefined,
  conversationId: string,
  messageId: string,
  input: FeedbackInput,
) {
  const visitor = await visitorConversation(deps, authorization, conversationId);
  const rater = { kind: "visitor" as const, id: visitor.visitorId, tenantId: visitor.tenantId };
  const { userId: _ignored, ...rating } = input;
  return giveFeedback(deps.db, rater, messageId, rating, roomFor(deps.env, conversationId));
}

/** Display names of the tenant's staff among `ids` (the senders the visitor's widget shows). */
export async function staffNames(
  deps: Deps,
  authorization: string | undefined,
  conversationId: string,
  ids: string[],
) {
  const visitor = await visitorConversation(deps, authorization, conversationId);
  if (ids.length === 0) return [];
  return deps.db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.tenantId, visitor.tenantId), inArray(users.id, ids)));
}
