import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { aiUsage, type ConversationStatus, conversations, messages, readReceipts } from "../../db/schema";
import type { OutboxRow, StoredMessage } from "./room-store";

interface UsageRow {
  id: string;
  agentId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costEstimate: number;
  createdAt: number;
}

/**
 * Copies a batch of outbox rows to Postgres in one transaction. Idempotent: messages are unique by
 * (conversation_id, seq), receipts only move forward, so a batch retried after a failure that
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
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.id, conversationId), eq(conversations.tenantId, tenantId)))
      .for("update");
    if (!exists) return false;

    const newMessages = batch
      .filter((row) => row.kind === "message")
      .map((row) => JSON.parse(row.payload) as StoredMessage);
    if (newMessages.length > 0) {
      await tx
        .insert(messages)
        .values(
          newMessages.map((m) => ({
            id: m.id,
            tenantId,
            conversationId,
            seq: m.seq,
            clientId: m.clientId ?? null,
            senderKind: m.sender.kind,
            senderId: m.sender.id,
            text: m.text,
            metadata: m.metadata,
            createdAt: new Date(m.createdAt),
          })),
        )
        .onConflictDoNothing();
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
      const { status, assigneeId } = JSON.parse(row.payload) as {
        status: ConversationStatus;
        assigneeId?: string | null;
      };
      await tx
        .update(conversations)
        .set({ status, ...(assigneeId === undefined ? {} : { assigneeId }) })
        .where(eq(conversations.id, conversationId));
    }

    const usage = batch.filter((r) => r.kind === "usage").map((r) => JSON.parse(r.payload) as UsageRow);
    if (usage.length > 0) {
      await tx
        .insert(aiUsage)
        .values(usage.map((u) => ({ ...u, tenantId, conversationId, createdAt: new Date(u.createdAt) })))
        .onConflictDoNothing();
    }
    return true;
  });
}

/** Recomputes the list view's fields (last seq, count, preview, first response) from the messages. */
async function refreshAggregates(tx: Pick<Database, "execute">, conversationId: string) {
  await tx.execute(sql`
    update conversations c set
      last_seq = s.max_seq,
      message_count = s.n,
      last_message_at = s.last_at,
      last_message_preview = (select left(m.text, 160) from messages m where m.conversation_id = c.id order by m.seq desc limit 1),
      first_visitor_message_at = s.first_visitor,
      first_response_at = (
        select min(m.created_at) from messages m
        where m.conversation_id = c.id and m.sender_kind in ('staff', 'ai') and m.created_at >= s.first_visitor
      ),
      updated_at = now()
    from (
      select max(seq) as max_seq, count(*)::int as n, max(created_at) as last_at,
        min(created_at) filter (where sender_kind = 'visitor') as first_visitor
      from messages where conversation_id = ${conversationId}
    ) s
    where c.id = ${conversationId}`);
}
