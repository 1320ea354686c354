import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  type ContactSource,
  type ConversationStatus,
  contacts,
  conversations,
  type Priority,
  users,
} from "../../db/schema";
import { loadConfig } from "../../env";
import { AppError, notFound } from "../../lib/errors";
import type { JsonObject } from "../../lib/json";
import { createStorage } from "../../providers/storage";
import { loadAgent } from "../ai/agents.service";
import { deleteConversationFiles } from "../attachments/attachments.storage";
import { announceContact } from "../contacts/contact-events";
import {
  findOrCreateContact,
  linkIdentity,
  USER_IDENTITY,
  VISITOR_IDENTITY,
} from "../contacts/contact-identities";
import { feedbackCounts } from "../feedback/feedback.service";
import { inboxClient } from "../inbox/inbox-client";
import { autoAssignee } from "../teams/auto-assign";
import { loadTeam } from "../teams/teams.service";
import { emitWebhookEvent } from "../webhooks/emit";
import { conversationView } from "./conversations.views";
import { roomFor } from "./room-client";
import type { StatusExtra } from "./room-status";
import type { ChannelLink } from "./room-store";

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

interface NewConversation {
  visitorId?: string;
  customerUserId?: string;
  agentId?: string;
  teamId?: string;
  contactId?: string;
  priority?: Priority;
  channel: string;
  metadata: JsonObject;
  idleTimeoutSeconds: number;
  /** Who the contact is, when one is created for it (the widget passes what the visitor typed). */
  contactProfile?: { name?: string; email?: string; createdFrom: ContactSource };
  /** A conversation with a customer on a messaging channel (the channel consumer opens these). */
  channelLink?: Omit<ChannelLink, "lastCustomerAt">;
}

/**
 * The conversation's contact: the one named (it must be the tenant's), else the one of its verified
 * user id (which also takes the visitor id, if nobody holds it), else the visitor's; none for neither.
 */
async function contactFor(
  { db, env }: { db: Database; env: Env },
  tenantId: string,
  input: NewConversation,
): Promise<string | null> {
  if (input.contactId) {
    const [row] = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.id, input.contactId), eq(contacts.tenantId, tenantId)));
    if (!row) throw new AppError("validation_failed", "contactId is not a contact of this tenant");
    return row.id;
  }
  const { contactProfile: profile = { createdFrom: "api" as const }, channelLink } = input;
  // A channel's customer is known by their id on that channel (a PSID is only unique per Page).
  const identity = channelLink
    ? { type: `channel:${channelLink.id}`, ref: channelLink.contactRef }
    : input.customerUserId
      ? { type: USER_IDENTITY, ref: input.customerUserId }
      : input.visitorId
        ? { type: VISITOR_IDENTITY, ref: input.visitorId }
        : null;
  if (!identity) return null;
  const { contact, created } = await findOrCreateContact(db, tenantId, { ...identity, ...profile });
  // Linked first, so the announcement lists both identities.
  if (input.customerUserId && input.visitorId)
    await linkIdentity(db, tenantId, contact.id, { type: VISITOR_IDENTITY, ref: input.visitorId });
  if (created) await announceContact(env, db, contact);
  return contact.id;
}

export async function createConversation({ db, env, tenantId }: ConversationDeps, input: NewConversation) {
  const agent = input.agentId ? await loadAgent(db, tenantId, input.agentId).catch(() => null) : null;
  if (input.agentId && !agent)
    throw new AppError("validation_failed", "agentId is not an agent of this tenant");
  const { contactProfile: _profile, channelLink, ...fields } = input;
  const contactId = await contactFor({ db, env }, tenantId, input);
  if (input.teamId) await teamOf(db, tenantId, input.teamId);
  const [row] = await db
    .insert(conversations)
    .values({
      tenantId,
      ...fields,
      contactId,
      ...(channelLink ? { channelId: channelLink.id, channelContactRef: channelLink.contactRef } : {}),
    })
    .returning();
  if (!row) throw new Error("conversation insert returned nothing");
  const room = roomFor(env, row.id);
  await room.init({
    conversationId: row.id,
    tenantId,
    agentId: row.agentId,
    idleTimeoutSeconds: row.idleTimeoutSeconds,
    status: row.status,
    ...(channelLink ? { channel: { ...channelLink, lastCustomerAt: null } } : {}),
    teamId: row.teamId,
  });
  if (agent?.enabled && agent.greeting)
    await room.post({ kind: "ai", id: agent.id }, { text: agent.greeting, metadata: { greeting: true } });
  const view = conversationView(row);
  await inboxClient(env, tenantId).publish({ type: "conversation.created", conversation: view });
  await emitWebhookEvent(env, tenantId, "conversation.created", { conversation: view });
  return view;
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
  await inboxClient(env, tenantId).publish({ type: "conversation.deleted", conversationId: id });
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
  change: StatusExtra = {},
) {
  const room = roomFor(env, id);
  const changed = await room.setStatus(status, assigneeId, undefined, change);
  if (!changed) throw notFound("Conversation");
  await room.flushNow();
  const row = await loadConversation(db, tenantId, id);
  // Should Postgres lag (the copy is retried), the answer still shows what the room decided.
  const until = change.until ? new Date(change.until).toISOString() : null;
  const team = change.teamId === undefined ? {} : { teamId: change.teamId };
  return {
    conversation: { ...conversationView(row), status, assigneeId, snoozedUntil: until, ...team },
    lastSeq: changed.lastSeq,
  };
}

/** Reopens any closed (resolved, expired) or snoozed conversation: it is open again. */
export async function reopenConversation(deps: ConversationDeps, id: string) {
  const current = await loadConversation(deps.db, deps.tenantId, id);
  if (!["resolved", "expired", "snoozed"].includes(current.status))
    throw new AppError("conflict", `The conversation is ${current.status}, not closed or snoozed`);
  return (await changeStatus(deps, id, "open", current.assigneeId)).conversation;
}

// Longer than this is not a snooze but a resolution.
const MAX_SNOOZE_MS = 366 * 24 * 3600 * 1000;

/** Snoozes until `until`: the room's alarm opens it again then (or the visitor's next message). */
export async function snoozeConversation(deps: ConversationDeps, id: string, until: string) {
  const at = new Date(until).getTime();
  if (at <= Date.now() || at > Date.now() + MAX_SNOOZE_MS)
    throw new AppError("validation_failed", "until must be in the future and within a year", [
      { path: "until", message: "must be in the future and within a year" },
    ]);
  const current = await loadConversation(deps.db, deps.tenantId, id);
  if (current.status === "resolved" || current.status === "expired")
    throw new AppError("conflict", `A ${current.status} conversation cannot be snoozed; reopen it first`);
  return (await changeStatus(deps, id, "snoozed", current.assigneeId, { until: at })).conversation;
}

/** Sets the priority (Postgres is its writer; the inbox hears of it). */
export async function setPriority({ db, env, tenantId }: ConversationDeps, id: string, priority: Priority) {
  const [row] = await db
    .update(conversations)
    .set({ priority })
    .where(and(eq(conversations.id, id), eq(conversations.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound("Conversation");
  await inboxClient(env, tenantId).publish({ type: "conversation.updated", conversationId: id, priority });
  return conversationView(row);
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
  return (await changeStatus(deps, id, status, assigneeId, { teamId })).conversation;
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
