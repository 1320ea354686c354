import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  aiUsage,
  type ConversationStatus,
  conversations,
  messages,
  readReceipts,
  teams,
} from "../../db/schema";
import { type AnalyticsFact, analyticsInsert, businessHoursFor } from "../analytics/analytics-events";
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
 * Copies to Postgres, in batches, what the outbox held when the drain began: rows written meanwhile
 * wait for the next copy (else a busy room drained without end, a round trip per two messages at
 * 400 msg/s). A batch that fails is retried row by row: a row refused for good is dead-lettered (kept
 * in the room with its reason) so it never blocks the rows after it; a transient failure stops the
 * drain for the caller's backoff.
 */
export async function drainOutbox(
  db: Database,
  room: { conversationId: string; tenantId: string },
  store: Pick<RoomStore, "outbox" | "outboxEnd" | "removeFromOutbox" | "deadLetter">,
  batchSize: number,
): Promise<DrainOutcome> {
  let deadLettered = 0;
  const end = store.outboxEnd();
  for (let batch = store.outbox(batchSize, end); batch.length > 0; batch = store.outbox(batchSize, end)) {
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
 * Copies a batch of outbox rows to Postgres in one transaction, sent as one HTTP request (Neon's
 * batch: no connection, one round trip; an interactive transaction cost six). Idempotent: messages
 * are unique by (conversation_id, seq), receipts only move forward, usage rows and analytics events
 * are unique by id and key, so a batch retried after a failure that happened after commit changes
 * nothing. Returns false when the conversation no longer exists (then every statement writes nothing).
 */
export async function flushToPostgres(
  db: Database,
  room: { conversationId: string; tenantId: string },
  batch: OutboxRow[],
): Promise<boolean> {
  const { conversationId, tenantId } = room;
  const parse = <T>(kind: OutboxRow["kind"]) =>
    batch.filter((row) => row.kind === kind).map((row) => JSON.parse(row.payload) as T);
  const newMessages = batch
    .filter((row) => row.kind === "message")
    .map((row): StoredMessage => row.message ?? JSON.parse(row.payload));
  const facts = parse<AnalyticsFact>("analytics");
  const usage = parse<UsageRow>("usage");
  const receipts = latestReceipts(parse<{ participant: string; seq: number }>("receipt"));
  const hours = await businessHoursFor(db, tenantId, facts);
  const exists = sql`exists (select 1 from ${conversations} where id = ${conversationId} and tenant_id = ${tenantId})`;

  const statements: SQL[] = [headStatement(room, newMessages)];
  if (receipts.length > 0)
    statements.push(sql`
      insert into ${readReceipts} (conversation_id, participant, seq)
      select ${conversationId}, r.participant, r.seq
      from unnest(${sql.param(receipts.map((r) => r.participant))}::text[], ${sql.param(receipts.map((r) => r.seq))}::int[]) as r(participant, seq)
      where ${exists}
      on conflict (conversation_id, participant) do update set seq = greatest(${readReceipts}.seq, excluded.seq), updated_at = now()`);
  for (const change of parse<StatusChange>("status")) statements.push(statusUpdate(room, change));
  if (usage.length > 0) {
    const column = <T>(pick: (u: UsageRow) => T) => sql.param(usage.map(pick));
    statements.push(sql`
      insert into ${aiUsage} (id, tenant_id, conversation_id, agent_id, model, prompt_tokens, completion_tokens, latency_ms, cost_estimate, created_at)
      select r.id, ${tenantId}, ${conversationId}, r.agent_id, r.model, r.prompt_tokens, r.completion_tokens, r.latency_ms, r.cost_estimate, r.created_at
      from unnest(
        ${column((u) => u.id)}::uuid[], ${column((u) => u.agentId)}::uuid[], ${column((u) => u.model)}::text[],
        ${column((u) => u.promptTokens)}::int[], ${column((u) => u.completionTokens)}::int[], ${column((u) => u.latencyMs)}::int[],
        ${column((u) => u.costEstimate)}::real[], ${column((u) => new Date(u.createdAt).toISOString())}::timestamptz[]
      ) as r(id, agent_id, model, prompt_tokens, completion_tokens, latency_ms, cost_estimate, created_at)
      where ${exists}
      on conflict do nothing`);
  }
  if (facts.length > 0) statements.push(analyticsInsert(tenantId, facts, hours, { id: conversationId }));

  const [head] = await db.batch(
    statements.map((statement) => db.execute(statement)) as [RawQuery, ...RawQuery[]],
  );
  return (head?.rows.length ?? 0) > 0;
}

type RawQuery = ReturnType<Database["execute"]>;

interface StatusChange {
  status: ConversationStatus;
  assigneeId?: string | null;
  teamId?: string | null;
  at?: number;
  snoozedUntil?: number | null;
}

/** Per participant, the highest seq read (one row each: an upsert may not touch a row twice). */
function latestReceipts(receipts: { participant: string; seq: number }[]) {
  const latest = new Map<string, number>();
  for (const { participant, seq } of receipts)
    latest.set(participant, Math.max(seq, latest.get(participant) ?? seq));
  return [...latest].map(([participant, seq]) => ({ participant, seq }));
}

/**
 * The batch's first statement: locks the conversation's row and returns it (no row: it is gone), and
 * inserts the new messages (a known seq is skipped) as one array per column, moving the list view's
 * fields (last seq, count, preview, first response) by the rows actually inserted. The preview (the
 * visitor's widget sees it) and the first response never come from a private note.
 */
function headStatement(
  { conversationId, tenantId }: { conversationId: string; tenantId: string },
  batch: StoredMessage[],
): SQL {
  const locked = sql`select id from ${conversations} where id = ${conversationId} and tenant_id = ${tenantId} for update`;
  if (batch.length === 0) return locked;
  const column = <T>(pick: (m: StoredMessage) => T) => sql.param(batch.map(pick));
  const answers = sql`m.kind <> 'note' and m.sender_kind in ('staff', 'integration', 'ai')`;
  return sql`
    with c as (${locked}),
    ins as (
      insert into ${messages} (id, tenant_id, conversation_id, seq, client_id, sender_kind, sender_id, kind, text, metadata, created_at)
      select r.id, ${tenantId}, ${conversationId}, r.seq, r.client_id, r.sender_kind, r.sender_id, r.kind, r.text, r.metadata, r.created_at
      from unnest(
        ${column((m) => m.id)}::uuid[], ${column((m) => m.seq)}::int[], ${column((m) => m.clientId ?? null)}::text[],
        ${column((m) => m.sender.kind)}::text[], ${column((m) => m.sender.id)}::text[],
        ${column((m) => m.kind ?? "message")}::text[], ${column((m) => m.text)}::text[],
        ${column((m) => JSON.stringify(m.metadata))}::jsonb[], ${column((m) => m.createdAt)}::timestamptz[]
      ) as r(id, seq, client_id, sender_kind, sender_id, kind, text, metadata, created_at)
      where exists (select 1 from c)
      on conflict do nothing
      returning seq, created_at, sender_kind, kind, text
    ),
    s as (
      select max(seq) as max_seq, count(*)::int as n, max(created_at) as last_at,
        min(created_at) filter (where sender_kind = 'visitor') as first_visitor,
        max(seq) filter (where kind <> 'note') as preview_seq,
        (array_agg(left(text, 160) order by seq desc) filter (where kind <> 'note'))[1] as preview
      from ins
    ),
    moved as (
      update ${conversations} k set
        last_seq = greatest(k.last_seq, s.max_seq),
        message_count = k.message_count + s.n,
        last_message_at = greatest(k.last_message_at, s.last_at),
        last_message_preview = case when s.preview_seq > k.last_seq then s.preview else k.last_message_preview end,
        first_visitor_message_at = least(k.first_visitor_message_at, s.first_visitor),
        -- An earlier first visitor message (the first one, or one copied late) may make an answer
        -- already stored the first response: then all of them are looked at, else only the new ones.
        first_response_at = case
          when s.first_visitor < coalesce(k.first_visitor_message_at, 'infinity') then (
            select min(m.created_at) from (
              select created_at, kind, sender_kind from ${messages} where conversation_id = k.id
              union all select created_at, kind, sender_kind from ins
            ) m where ${answers} and m.created_at >= s.first_visitor)
          else least(k.first_response_at, (
            select min(m.created_at) from ins m where ${answers} and m.created_at >= k.first_visitor_message_at))
        end,
        updated_at = now()
      from s where k.id = (select id from c) and s.n > 0
    )
    select id from c`;
}

function statusUpdate(
  { conversationId, tenantId }: { conversationId: string; tenantId: string },
  change: StatusChange,
): SQL {
  const { status, assigneeId, teamId, at, snoozedUntil } = change;
  // When it was resolved, as the room decided it (rows written before `at` existed: now); reopened,
  // it is not resolved any more.
  const resolvedAt =
    status === "resolved"
      ? sql`, resolved_at = ${new Date(at ?? Date.now()).toISOString()}::timestamptz`
      : status === "open"
        ? sql`, resolved_at = null`
        : sql``;
  return sql`
    update ${conversations} set status = ${status},
      snoozed_until = ${snoozedUntil ? new Date(snoozedUntil).toISOString() : null}::timestamptz
      ${assigneeId === undefined ? sql`` : sql`, assignee_id = ${assigneeId}::uuid`}
      ${
        // A team deleted since the room learnt of it is none (its row is gone: no foreign key to break).
        teamId === undefined
          ? sql``
          : sql`, team_id = ${teamId === null ? null : sql`(select ${teams.id} from ${teams} where ${teams.id} = ${teamId})`}`
      }
      ${resolvedAt}, updated_at = now()
    where id = ${conversationId} and tenant_id = ${tenantId}`;
}
