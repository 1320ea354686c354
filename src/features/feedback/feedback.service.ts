import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { messageFeedback, messages } from "../../db/schema";
import type { Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";

type FeedbackRow = typeof messageFeedback.$inferSelect;

export interface FeedbackInput {
  rating: "like" | "dislike";
  reasons: string[];
  comment?: string | null;
  userId?: string;
}

function feedbackView(row: FeedbackRow) {
  return {
    id: row.id,
    messageId: row.messageId,
    conversationId: row.conversationId,
    rater: { kind: row.raterKind, id: row.raterId },
    rating: row.rating,
    reasons: row.reasons,
    comment: row.comment,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The conversation's room, which holds a message from its ack on (Postgres gets its copy at the
 * room's next flush, or when asked).
 */
export interface MessageRoom {
  message(tenantId: string, id: string): Promise<{ id: string } | null>;
  flushNow(): Promise<{ pending: number }>;
}

async function storedMessage(db: Database, tenantId: string, id: string) {
  const [row] = await db
    .select({ id: messages.id, conversationId: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.tenantId, tenantId)));
  return row ?? null;
}

/**
 * A message of the tenant; others are a 404. Given its room, the room decides whether it exists and
 * copies it to Postgres now if it has not yet (feedback rows refer to the Postgres copy).
 */
async function loadMessage(db: Database, tenantId: string, id: string, room?: MessageRoom) {
  if (room && !(await room.message(tenantId, id))) throw notFound("Message");
  const row = await storedMessage(db, tenantId, id);
  if (row) return row;
  if (!room) throw notFound("Message");
  await room.flushNow();
  const flushed = await storedMessage(db, tenantId, id);
  if (!flushed)
    throw new AppError("service_unavailable", "The message is not in the database yet; try again shortly");
  return flushed;
}

/** A widget visitor rating a message of their own conversation (verified by their visitor token). */
export interface VisitorRater {
  kind: "visitor";
  id: string;
  tenantId: string;
}

/** Who is rating: a user, a visitor, or through an API key the end user it names (else the key itself). */
function raterOf(principal: Principal | VisitorRater, userId: string | undefined) {
  if (principal.kind === "user" || principal.kind === "visitor")
    return { raterKind: principal.kind, raterId: principal.id };
  return userId
    ? { raterKind: "end_user", raterId: userId }
    : { raterKind: "api_key", raterId: principal.id };
}

/** Records or updates the rater's one feedback on a message. */
export async function giveFeedback(
  db: Database,
  principal: Principal | VisitorRater,
  messageId: string,
  input: FeedbackInput,
  room?: MessageRoom,
) {
  const message = await loadMessage(db, principal.tenantId, messageId, room);
  const values = { rating: input.rating, reasons: input.reasons, comment: input.comment ?? null };
  const [row] = await db
    .insert(messageFeedback)
    .values({
      tenantId: principal.tenantId,
      messageId,
      conversationId: message.conversationId,
      ...raterOf(principal, input.userId),
      ...values,
    })
    .onConflictDoUpdate({
      target: [messageFeedback.messageId, messageFeedback.raterKind, messageFeedback.raterId],
      set: { ...values, updatedAt: new Date() },
    })
    // xmax is 0 for a freshly inserted row and set when the upsert updated an existing one.
    .returning({ ...getTableColumns(messageFeedback), created: sql<boolean>`(xmax = 0)` });
  if (!row) throw new Error("feedback upsert returned nothing");
  const { created, ...stored } = row;
  return { created, feedback: feedbackView(stored) };
}

/** The feedback on one message with its counts. */
export async function feedbackFor(db: Database, tenantId: string, messageId: string, room?: MessageRoom) {
  await loadMessage(db, tenantId, messageId, room);
  const rows = await db
    .select()
    .from(messageFeedback)
    .where(and(eq(messageFeedback.tenantId, tenantId), eq(messageFeedback.messageId, messageId)))
    .orderBy(asc(messageFeedback.createdAt));
  return {
    messageId,
    counts: {
      like: rows.filter((r) => r.rating === "like").length,
      dislike: rows.filter((r) => r.rating === "dislike").length,
    },
    data: rows.map(feedbackView),
  };
}

/** How many likes and dislikes the tenant's messages got. */
export async function feedbackCounts(db: Database, tenantId: string) {
  const [counts] = await db
    .select({
      like: sql<number>`count(*) filter (where ${messageFeedback.rating} = 'like')::int`,
      dislike: sql<number>`count(*) filter (where ${messageFeedback.rating} = 'dislike')::int`,
    })
    .from(messageFeedback)
    .where(eq(messageFeedback.tenantId, tenantId));
  return { like: counts?.like ?? 0, dislike: counts?.dislike ?? 0 };
}

/** Likes and dislikes of the tenant: totals, the reasons given, and per agent (by who wrote the message). */
export async function feedbackStats(db: Database, tenantId: string) {
  const counts = await feedbackCounts(db, tenantId);
  const reasons = await db.execute<{ reason: string; count: number }>(sql`
    select r.reason, count(*)::int as count
    from message_feedback f, jsonb_array_elements_text(f.reasons) as r(reason)
    where f.tenant_id = ${tenantId}
    group by r.reason order by count(*) desc, r.reason limit 50`);
  const byAgent = await db
    .select({
      agentId: messages.senderId,
      like: sql<number>`count(*) filter (where ${messageFeedback.rating} = 'like')::int`,
      dislike: sql<number>`count(*) filter (where ${messageFeedback.rating} = 'dislike')::int`,
    })
    .from(messageFeedback)
    .innerJoin(messages, eq(messages.id, messageFeedback.messageId))
    .where(and(eq(messageFeedback.tenantId, tenantId), eq(messages.senderKind, "ai")))
    .groupBy(messages.senderId);
  return {
    counts,
    reasons: reasons.rows.map((r) => ({ reason: r.reason, count: Number(r.count) })),
    byAgent,
  };
}
