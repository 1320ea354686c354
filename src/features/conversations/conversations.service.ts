import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ConversationStatus, conversations, readReceipts, users } from "../../db/schema";
import { loadConfig } from "../../env";
import { base64url, fromBase64url } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import type { JsonObject } from "../../lib/json";
import { createStorage } from "../../providers/storage";
import { loadAgent } from "../ai/agents.service";
import { deleteConversationFiles } from "../attachments/attachments.storage";
import { feedbackCounts } from "../feedback/feedback.service";
import { inboxClient } from "../inbox/inbox-client";
import { autoAssignee } from "../teams/auto-assign";
import { loadTeam } from "../teams/teams.service";
import { emitWebhookEvent } from "../webhooks/emit";
import type { Sender } from "./conversations.protocol";
import { conversationView } from "./conversations.views";
import { roomFor } from "./room-client";

export interface ConversationDeps {
  db: Database;
  env: Env;
  tenantId: string;
}

/** A team named in a request must be one of the tenant's (a 400, not a 404: the conversation exists). */
const teamOf = (db: Database, tenantId: string, teamId: string) =>
  loadTeam(db, tenantId, teamId).catch(() => {
    throw new AppError("validation_failed", "teamId is not a team of this tenant");
  });

/** Loads a conversation of the tenant; another tenant's (or none) is a 404. */
export async function loadConversation(db: Database, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.tenantId, tenantId)));
  if (!row) throw notFound("Conversation");
  return row;
}

export async function createConversation(
  { db, env, tenantId }: ConversationDeps,
  input: {
    visitorId?: string;
    customerUserId?: string;
    agentId?: string;
    teamId?: string;
    channel: string;
    metadata: JsonObject;
    idleTimeoutSeconds: number;
  },
) {
  const agent = input.agentId ? await loadAgent(db, tenantId, input.agentId).catch(() => null) : null;
  if (input.agentId && !agent)
    throw new AppError("validation_failed", "agentId is not an agent of this tenant");
  if (input.teamId) await teamOf(db, tenantId, input.teamId);
  const [row] = await db
    .insert(conversations)
    .values({ tenantId, ...input })
    .returning();
  if (!row) throw new Error("conversation insert returned nothing");
  const room = roomFor(env, row.id);
  await room.init({
    conversationId: row.id,
    tenantId,
    agentId: row.agentId,
    idleTimeoutSeconds: row.idleTimeoutSeconds,
    status: row.status,
    teamId: row.teamId,
  });
  if (agent?.enabled && agent.greeting)
    await room.post({ kind: "ai", id: agent.id }, { text: agent.greeting, metadata: { greeting: true } });
  const view = conversationView(row);
  await inboxClient(env, tenantId).publish({ type: "conversation.created", conversation: view });
  await emitWebhookEvent(env, tenantId, "conversation.created", { conversation: view });
  return view;
}

interface ListFilters {
  status?: ConversationStatus;
  assigneeId?: string;
  teamId?: string;
  visitorId?: string;
  customerUserId?: string;
  channel?: string;
  updatedSince?: string;
  cursor?: string;
  limit: number;
}

function decodeCursor(cursor: string): { updatedAt: Date; id: string } {
  try {
    const { u, i } = JSON.parse(new TextDecoder().decode(fromBase64url(cursor))) as { u: string; i: string };
    const updatedAt = new Date(u);
    if (Number.isNaN(updatedAt.getTime()) || typeof i !== "string") throw new Error();
    return { updatedAt, id: i };
  } catch {
    throw new AppError("validation_failed", "Invalid cursor", [
      { path: "cursor", message: "Invalid cursor" },
    ]);
  }
}

/** Newest first, with the caller's unread count and a cursor for the next page. */
export async function listConversations(
  db: Database,
  tenantId: string,
  reader: Sender,
  filters: ListFilters,
) {
  const conditions: (SQL | undefined)[] = [
    eq(conversations.tenantId, tenantId),
    filters.status ? eq(conversations.status, filters.status) : undefined,
    filters.assigneeId ? eq(conversations.assigneeId, filters.assigneeId) : undefined,
    filters.teamId ? eq(conversations.teamId, filters.teamId) : undefined,
    filters.visitorId ? eq(conversations.visitorId, filters.visitorId) : undefined,
    filters.customerUserId ? eq(conversations.customerUserId, filters.customerUserId) : undefined,
    filters.channel ? eq(conversations.channel, filters.channel) : undefined,
    filters.updatedSince ? gte(conversations.updatedAt, new Date(filters.updatedSince)) : undefined,
  ];
  if (filters.cursor) {
    const { updatedAt, id } = decodeCursor(filters.cursor);
    conditions.push(
      or(
        lt(conversations.updatedAt, updatedAt),
        and(eq(conversations.updatedAt, updatedAt), lt(conversations.id, id)),
      ),
    );
  }
  const participant = `${reader.kind}:${reader.id}`;
  const rows = await db
    .select({
      conversation: conversations,
      unreadCount: sql<number>`(
        select count(*)::int from messages m
        where m.conversation_id = ${conversations.id}
          and m.seq > coalesce(${readReceipts.seq}, 0)
          and not (m.sender_kind = ${reader.kind} and m.sender_id = ${reader.id}))`,
    })
    .from(conversations)
    .leftJoin(
      readReceipts,
      and(eq(readReceipts.conversationId, conversations.id), eq(readReceipts.participant, participant)),
    )
    .where(and(...conditions))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1)?.conversation;
  const nextCursor =
    rows.length > filters.limit && last
      ? base64url(new TextEncoder().encode(JSON.stringify({ u: last.updatedAt.toISOString(), i: last.id })))
      : null;
  return {
    data: page.map((r) => ({ ...conversationView(r.conversation), unreadCount: r.unreadCount })),
    nextCursor,
  };
}

/** Deletes a conversation everywhere: its room, its stored files, then its rows (attachments cascade). */
export async function deleteConversation({ db, env, tenantId }: ConversationDeps, id: string) {
  await loadConversation(db, tenantId, id);
  await roomFor(env, id).destroy();
  const config = loadConfig(env);
  await deleteConversationFiles(
    createStorage(config, env.DOCUMENTS_BUCKET),
    config.STORAGE_PREFIX,
    tenantId,
    id,
  );
  await db.delete(conversations).where(eq(conversations.id, id));
}

/**
 * Changes status and assignee through the room, their one writer: it tells its sockets and the
 * inbox once, and its outbox is the one path to Postgres, copied now so the answer reads it back.
 */
async function changeStatus(
  { db, env, tenantId }: ConversationDeps,
  id: string,
  status: ConversationStatus,
  assigneeId: string | null,
  teamId?: string | null,
) {
  const room = roomFor(env, id);
  const changed = await room.setStatus(status, assigneeId, undefined, teamId);
  if (!changed) throw notFound("Conversation");
  await room.flushNow();
  const row = await loadConversation(db, tenantId, id);
  // Should Postgres lag (the copy is retried), the answer still shows what the room decided.
  const view = { ...conversationView(row), status, assigneeId, ...(teamId === undefined ? {} : { teamId }) };
  return { conversation: view, lastSeq: changed.lastSeq };
}

/** Reopens an unresolved or expired conversation. */
export async function resumeConversation(deps: ConversationDeps, id: string) {
  const current = await loadConversation(deps.db, deps.tenantId, id);
  if (current.status === "resolved")
    throw new AppError("conflict", "A resolved conversation cannot be resumed");
  const status = current.status === "expired" ? "open" : current.status;
  return changeStatus(deps, id, status, current.assigneeId);
}

export async function resolveConversation(deps: ConversationDeps, id: string) {
  const current = await loadConversation(deps.db, deps.tenantId, id);
  return (await changeStatus(deps, id, "resolved", current.assigneeId)).conversation;
}

/** Gives a conversation back to its AI agent (or back to the open queue when it has none). */
export async function handBack(deps: ConversationDeps, id: string) {
  const current = await loadConversation(deps.db, deps.tenantId, id);
  if (current.status === "resolved" || current.status === "expired") {
    throw new AppError("conflict", `A ${current.status} conversation cannot be handed back`);
  }
  return (await changeStatus(deps, id, "open", null)).conversation;
}

/**
 * Assigns to an active staff user of the tenant (who then owns it) or unassigns with null, and/or
 * to a team (or none). A conversation waiting for a human that is given to a round-robin team
 * without a user goes to one of its online members.
 */
export async function assignConversation(
  deps: ConversationDeps,
  id: string,
  body: { assigneeId?: string | null; teamId?: string | null },
) {
  const current = await loadConversation(deps.db, deps.tenantId, id);
  if (body.teamId) await teamOf(deps.db, deps.tenantId, body.teamId);
  const teamId = body.teamId === undefined ? current.teamId : body.teamId;
  let assigneeId = body.assigneeId === undefined ? current.assigneeId : body.assigneeId;
  if (body.assigneeId === undefined && !assigneeId && current.status === "pending_human")
    assigneeId = await autoAssignee(deps, { tenantId: deps.tenantId, teamId });
  if (body.assigneeId) {
    const [user] = await deps.db
      .select({ id: users.id })
      .from(users)
      .where(
        and(eq(users.id, body.assigneeId), eq(users.tenantId, deps.tenantId), eq(users.status, "active")),
      );
    if (!user) throw new AppError("validation_failed", "assigneeId is not an active user of this tenant");
  }
  const reassigned = body.assigneeId !== undefined || assigneeId !== current.assigneeId;
  const status = !reassigned
    ? current.status
    : assigneeId
      ? "with_human"
      : current.status === "with_human"
        ? "pending_human"
        : current.status;
  return (await changeStatus(deps, id, status, assigneeId, teamId)).conversation;
}

/** What a sessions dashboard shows: counts by status, averages of size, duration, first response. */
export async function conversationStats(db: Database, tenantId: string) {
  const byStatus = await db
    .select({ status: conversations.status, n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(eq(conversations.tenantId, tenantId))
    .groupBy(conversations.status);
  const [averages] = await db
    .select({
      total: sql<number>`count(*)::int`,
      averageMessages: sql<number>`coalesce(avg(${conversations.messageCount}), 0)::float`,
      averageDurationSeconds: sql<
        number | null
      >`avg(extract(epoch from ${conversations.resolvedAt} - ${conversations.createdAt}))::float`,
      averageFirstResponseSeconds: sql<
        number | null
      >`avg(extract(epoch from ${conversations.firstResponseAt} - ${conversations.firstVisitorMessageAt}))::float`,
    })
    .from(conversations)
    .where(eq(conversations.tenantId, tenantId));
  return {
    byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
    total: averages?.total ?? 0,
    averageMessages: averages?.averageMessages ?? 0,
    averageDurationSeconds: averages?.averageDurationSeconds ?? null,
    averageFirstResponseSeconds: averages?.averageFirstResponseSeconds ?? null,
    feedback: await feedbackCounts(db, tenantId),
  };
}
