import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  aiUsage,
  type ConversationStatus,
  conversations,
  messages,
  readReceipts,
  teams,
} from "../../db/schema";
import { type AnalyticsFact, writeAnalytics } from "../analytics/analytics-events";
import type { AiUsageRecord } from "./conversations.protocol";
import type { OutboxRow, RoomStore, StoredMessage } from "./room-store";

interface UsageRow extends AiUsageRecord {
  id: string;
  createdAt: number;
}

export type DrainOutcome =
  | { kind: "done"; deadLettered: number }
  | { kind: "gone" }
  | { kind: "retry"; error: unknown; deadLettered: number };

// SQLSTATE classes that say the row itself is wrong, so retrying it can never succeed: data
// exceptions (22: bad encoding, out of range), integrity (23: foreign key, not null, check) and
// program limits (54). Anything else (connection, timeout, missing table during a deploy) is retried.
const PERMANENT_CLASSES = ["22", "23", "54"];

/**
 * Why Postgres (or our own mapping of the row) refused a row for good, or null for a transient
 * failure. The reason holds the SQLSTATE and the server's message, never the row's values.
 */
export function permanentFailure(error: unknown): { code: string; message: string } | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      if (!PERMANENT_CLASSES.includes(code.slice(0, 2))) return null;
      return { code, message: e.message.slice(0, 300) };
    }
  }
  // A payload our own code cannot read (it never reached Postgres).
  if (error instanceof SyntaxError || error instanceof TypeError || error instanceof RangeError)
    return { code: error.name, message: error.message.slice(0, 300) };
  return null;
}

/**
 * Copies the whole outbox to Postgres in batches. A batch that fails is retried row by row: a row
 * refused for good is dead-lettered (kept in the room with its reason) so it never blocks the rows
 * after it; a transient failure stops the drain for the caller's backoff.
 */
export async function drainOutbox(
  db: Database,
  room: { conversationId: string; tenantId: string },
  store: Pick<RoomStore, "outbox" | "removeFromOutbox" | "deadLetter">,
  batchSize: number,
): Promise<DrainOutcome> {
  let deadLettered = 0;
  for (let batch = store.outbox(batchSize); batch.length > 0; batch = store.outbox(batchSize)) {
    try {
      if (!(await flushToPostgres(db, room, batch))) return { kind: "gone" };
      store.removeFromOutbox(batch);
      continue;
    } catch {
      // Find the row (or the outage) one row at a time.
    }
    for (const row of batch) {
      try {
        if (!(await flushToPostgres(db, room, [row]))) return { kind: "gone" };
        store.removeFromOutbox([row]);
      } catch (error) {
        const reason = permanentFailure(error);
        if (!reason) return { kind: "retry", error, deadLettered };
        store.deadLetter(row, reason, Date.now());
        deadLettered++;
      }
    }
  }
  return { kind: "done", deadLettered };
}

/**
 * Copies a batch of outbox rows to Postgres in one transaction. Idempotent: messages are unique by
 * (conversation_id, seq), receipts only move forward, analytics events are unique by key, so a batch retried after a failure that
 * happened after commit changes nothing. Returns false when the conversation no longer exists.
 */
export async function flushToPostgres(
  db: Database,
  room: { conversationId: string; tenantId: string },
  batch: OutboxRow[],
): Promise<boolean> {
  const { conversationId, tenantId } = room;
  return db.transaction(async (tx) => {
    const [exists] = await tx
      .select({ id: conversations.id, channel: conversations.channel })
      .from(conversations)
      .where(and(eq(conversations.id, conversationId), eq(conversations.tenantId, tenantId)))
      .for("update");
    if (!exists) return false;

    const newMessages = batch
      .filter((row) => row.kind === "message")
      .map((row): StoredMessage => row.message ?? JSON.parse(row.payload));
    if (newMessages.length > 0) {
      await insertMessages(tx, room, newMessages);
      await refreshAggregates(tx, conversationId);
    }

    for (const row of batch.filter((r) => r.kind === "receipt")) {
      const { participant, seq } = JSON.parse(row.payload) as { participant: string; seq: number };
      await tx
        .insert(readReceipts)
        .values({ conversationId, participant, seq })
        .onConflictDoUpdate({
          target: [readReceipts.conversationId, readReceipts.participant],
          set: { seq: sql`greatest(${readReceipts.seq}, excluded.seq)`, updatedAt: sql`now()` },
        });
    }

    for (const row of batch.filter((r) => r.kind === "status")) {
      const { status, assigneeId, teamId, at, snoozedUntil } = JSON.parse(row.payload) as {
        status: ConversationStatus;
        assigneeId?: string | null;
        teamId?: string | null;
        at?: number;
        snoozedUntil?: number | null;
      };
      await tx
        .update(conversations)
        .set({
          status,
          ...(assigneeId === undefined ? {} : { assigneeId }),
          snoozedUntil: snoozedUntil ? new Date(snoozedUntil) : null,
          // A team deleted since the room learnt of it is none (its row is gone: no foreign key to break).
          ...(teamId === undefined
            ? {}
            : {
                teamId:
                  teamId === null
                    ? null
                    : sql`(select ${teams.id} from ${teams} where ${teams.id} = ${teamId})`,
              }),
          // When it was resolved, as the room decided it (rows written before `at` existed: now);
          // reopened, it is not resolved any more.
          ...(status === "resolved"
            ? { resolvedAt: new Date(at ?? Date.now()) }
            : status === "open"
              ? { resolvedAt: null }
              : {}),
        })
        .where(eq(conversations.id, conversationId));
    }

    const usage = batch.filter((r) => r.kind === "usage").map((r) => JSON.parse(r.payload) as UsageRow);
    if (usage.length > 0) {
      await tx
        .insert(aiUsage)
        .values(usage.map((u) => ({ ...u, tenantId, conversationId, createdAt: new Date(u.createdAt) })))
        .onConflictDoNothing();
    }

    const facts = batch
      .filter((r) => r.kind === "analytics")
      .map((r) => JSON.parse(r.payload) as AnalyticsFact);
    await writeAnalytics(tx, tenantId, facts, exists);
    return true;
  });
}

/**
 * Inserts a batch of messages (a known seq is skipped) as one array per column: the query builder's
 * per-value work (a type check per column of every row) was a tenth of the room's CPU under load.
 */
async function insertMessages(
  tx: Pick<Database, "execute">,
  { conversationId, tenantId }: { conversationId: string; tenantId: string },
  batch: StoredMessage[],
) {
  const column = <T>(pick: (m: StoredMessage) => T) => sql.param(batch.map(pick));
  await tx.execute(sql`
    insert into ${messages} (id, tenant_id, conversation_id, seq, client_id, sender_kind, sender_id, kind, text, metadata, created_at)
    select r.id, ${tenantId}, ${conversationId}, r.seq, r.client_id, r.sender_kind, r.sender_id, r.kind, r.text, r.metadata, r.created_at
    from unnest(
      ${column((m) => m.id)}::uuid[], ${column((m) => m.seq)}::int[], ${column((m) => m.clientId ?? null)}::text[],
      ${column((m) => m.sender.kind)}::text[], ${column((m) => m.sender.id)}::text[],
      ${column((m) => m.kind ?? "message")}::text[], ${column((m) => m.text)}::text[],
      ${column((m) => JSON.stringify(m.metadata))}::jsonb[], ${column((m) => m.createdAt)}::timestamptz[]
    ) as r(id, seq, client_id, sender_kind, sender_id, kind, text, metadata, created_at)
    on conflict do nothing`);
}

/**
 * Recomputes the list view's fields (last seq, count, preview, first response) from the messages. The
 * preview (the visitor's widget sees it) and the first response never come from a private note.
 */
async function refreshAggregates(tx: Pick<Database, "execute">, conversationId: string) {
  await tx.execute(sql`
    update conversations c set
      last_seq = s.max_seq,
      message_count = s.n,
      last_message_at = s.last_at,
      last_message_preview = (select left(m.text, 160) from messages m where m.conversation_id = c.id and m.kind <> 'note' order by m.seq desc limit 1),
      first_visitor_message_at = s.first_visitor,
      first_response_at = (
        select min(m.created_at) from messages m
        where m.conversation_id = c.id and m.kind <> 'note' and m.sender_kind in ('staff', 'integration', 'ai') and m.created_at >= s.first_visitor
      ),
      updated_at = now()
    from (
      select max(seq) as max_seq, count(*)::int as n, max(created_at) as last_at,
        min(created_at) filter (where sender_kind = 'visitor') as first_visitor
      from messages where conversation_id = ${conversationId}
    ) s
    where c.id = ${conversationId}`);
}
