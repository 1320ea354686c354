import { uuidv7 } from "../../lib/ids";
import type { JsonObject } from "../../lib/json";
import type { ChannelType } from "../channels/channel-adapter";
import type { AiUsageRecord, MessageKind, Sender, StoredMessage } from "./conversations.protocol";

export type { StoredMessage };

export interface OutboxRow {
  id: number;
  kind: "message" | "receipt" | "status" | "usage" | "analytics";
  payload: string;
  createdAt: number;
  /** A message read from its own row (not an outbox row): its id is -seq and `payload` is empty. */
  message?: StoredMessage;
}

/** The last outbox row and message of a moment. */
export type OutboxEnd = { id: number; seq: number };

/** An outbox row Postgres refused for good (a constraint or encoding), kept with the reason. */
export interface DeadLetter extends OutboxRow {
  errorCode: string;
  error: string;
  failedAt: number;
}

/** A channel conversation's link to its platform contact (absent off channels). */
export interface ChannelLink {
  id: string;
  type: ChannelType;
  contactRef: string;
  lastCustomerAt: number | null;
}

export interface RoomMeta {
  conversationId: string;
  tenantId: string;
  agentId: string | null;
  status: string;
  assigneeId: string | null;
  /** While snoozed: when the alarm opens the conversation again (ms). */
  snoozedUntil?: number | null;
  /** Absent in rooms created before teams existed. */
  teamId?: string | null;
  idleTimeoutSeconds: number;
  lastActivityAt: number;
  flushAttempts: number;
  nextFlushAt: number | null;
  /** Set for a conversation on a messaging channel (WhatsApp, Telegram…). */
  channel?: ChannelLink;
}

/** What creates a room. */
export type RoomInit = Pick<
  RoomMeta,
  "conversationId" | "tenantId" | "agentId" | "idleTimeoutSeconds" | "status" | "channel" | "teamId"
>;
/** A conversation's team (null: none); undefined in a change keeps it. */
export type TeamId = string | null;

type Row = Record<string, SqlStorageValue>;

/** The room's SQLite: messages (seq has no gaps), read receipts, the Postgres outbox and meta. */
export class RoomStore {
  // In-memory copies of hot values (rebuilt from SQLite after hibernation): a message costs a few
  // statements, not a re-read of meta, max(seq), the last message's time and count(*) each time.
  private cachedMeta: RoomMeta | null | undefined;
  private cachedLastSeq: number | undefined;
  private cachedLastMessageAt: number | undefined;
  /** Outbox rows (messages are not among them: they wait in their own rows, after `flushedSeq`). */
  private cachedQueued: number | undefined;
  /** The last seq copied to Postgres (or dead-lettered): the messages after it are the outbox's too. */
  private flushedSeq: number;
  // Whether `flushedSeq` is in SQLite: it must be before the first message that relies on it.
  private flushedSaved: boolean;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, client_id TEXT UNIQUE,
        sender_kind TEXT NOT NULL, sender_id TEXT NOT NULL, text TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS receipts (participant TEXT PRIMARY KEY, seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS dead_letters (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL,
        error_code TEXT NOT NULL, error TEXT NOT NULL, failed_at INTEGER NOT NULL);
    `);
    // Rooms created before private notes have no `kind` column: every row there is a message.
    const columns = sql.exec("SELECT name FROM pragma_table_info('messages')").toArray();
    if (!columns.some((c) => c.name === "kind"))
      sql.exec("ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message'");
    // Rooms from before the outbox referred to messages queued an outbox row with each: those rows
    // stay and flush as they are, so the messages up to now count as handed over.
    const flushed = sql.exec("SELECT value FROM meta WHERE key = 'flushed_seq'").toArray()[0];
    this.flushedSeq = flushed ? Number(flushed.value) : this.lastSeq();
    this.flushedSaved = flushed !== undefined;
  }

  meta(): RoomMeta | null {
    if (this.cachedMeta === undefined) {
      const row = this.sql.exec("SELECT value FROM meta WHERE key = 'room'").toArray()[0];
      this.cachedMeta = row ? (JSON.parse(String(row.value)) as RoomMeta) : null;
    }
    return this.cachedMeta;
  }

  saveMeta(meta: RoomMeta): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('room', ?)", JSON.stringify(meta));
    this.cachedMeta = meta;
  }

  lastSeq(): number {
    this.cachedLastSeq ??= Number(
      this.sql.exec("SELECT coalesce(max(seq), 0) AS seq FROM messages").one().seq,
    );
    return this.cachedLastSeq;
  }

  /** Idle expiry: the timeout after the last message or status change. */
  idleDeadline(meta: RoomMeta): number {
    return Math.max(meta.lastActivityAt, this.lastMessageAt()) + meta.idleTimeoutSeconds * 1000;
  }

  /** When the last message was written (0 if none): idle expiry counts it without a meta write per message. */
  lastMessageAt(): number {
    if (this.cachedLastMessageAt === undefined) {
      const row = this.sql.exec("SELECT created_at FROM messages ORDER BY seq DESC LIMIT 1").toArray()[0];
      this.cachedLastMessageAt = row ? Number(row.created_at) : 0;
    }
    return this.cachedLastMessageAt;
  }

  byClientId(clientId: string): StoredMessage | null {
    const row = this.sql.exec("SELECT * FROM messages WHERE client_id = ?", clientId).toArray()[0];
    return row ? toMessage(row) : null;
  }

  byId(id: string): StoredMessage | null {
    const row = this.sql.exec("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /**
   * Appends a message with the next seq: one write, as its row is also its place in the outbox (the
   * messages after `flushedSeq` wait for Postgres). Returns null,
   * writing nothing, when `clientId` is already taken (a resend: the caller looks up the original).
   */
  append(
    sender: Sender,
    text: string,
    clientId: string | undefined,
    metadata: JsonObject,
    now: number,
    kind: MessageKind = "message",
  ): StoredMessage | null {
    if (!this.flushedSaved) this.saveFlushedSeq(this.flushedSeq);
    const seq = this.lastSeq() + 1;
    const id = uuidv7(now);
    const inserted = this.sql
      .exec(
        `INSERT INTO messages (seq, id, client_id, sender_kind, sender_id, text, metadata, created_at, kind)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING RETURNING seq`,
        seq,
        id,
        clientId ?? null,
        sender.kind,
        sender.id,
        text,
        JSON.stringify(metadata),
        now,
        kind,
      )
      .toArray();
    if (inserted.length === 0) return null;
    this.cachedLastSeq = seq;
    this.cachedLastMessageAt = now;
    const message: StoredMessage = {
      type: "message",
      seq,
      id,
      ...(clientId ? { clientId } : {}),
      sender,
      text,
      createdAt: new Date(now).toISOString(),
      metadata,
      ...(kind === "note" ? { kind } : {}),
    };
    return message;
  }

  /** The last `limit` messages as the AI sees them: private notes are not part of the conversation. */
  recent(limit: number): { seq: number; sender: Sender["kind"]; text: string }[] {
    return this.range(undefined, undefined, limit, false).map((m) => ({
      seq: m.seq,
      sender: m.sender.kind,
      text: m.text,
    }));
  }

  /**
   * Messages with after < seq < before, oldest first (or the newest `limit` when only `before`/nothing
   * is given); without `notes`, private notes are left out.
   */
  range(after: number | undefined, before: number | undefined, limit: number, notes = true): StoredMessage[] {
    const low = after ?? 0;
    const high = before ?? Number.MAX_SAFE_INTEGER;
    const where = `seq > ? AND seq < ?${notes ? "" : " AND kind != 'note'"}`;
    const rows =
      after === undefined
        ? this.sql
            .exec(`SELECT * FROM messages WHERE ${where} ORDER BY seq DESC LIMIT ?`, low, high, limit)
            .toArray()
            .reverse()
        : this.sql
            .exec(`SELECT * FROM messages WHERE ${where} ORDER BY seq LIMIT ?`, low, high, limit)
            .toArray();
    return rows.map(toMessage);
  }

  /** Who wrote the latest visitor message (as a plan records who asked). */
  lastVisitor(): { kind: "visitor"; id: string } {
    const row = this.sql
      .exec("SELECT sender_id FROM messages WHERE sender_kind = 'visitor' ORDER BY seq DESC LIMIT 1")
      .toArray()[0];
    return { kind: "visitor", id: row ? String(row.sender_id) : "visitor" };
  }

  /** Hands every message after `after` to `send`, oldest first, a page at a time (notes only if `notes`). */
  replay(after: number, notes: boolean, send: (message: StoredMessage) => void): void {
    for (let from = after; ; ) {
      const page = this.range(from, undefined, 500, notes);
      for (const message of page) send(message);
      const last = page.at(-1);
      if (!last) return;
      from = last.seq;
    }
  }

  /** Raises a participant's read position (never lowers it); returns whether it moved. */
  markRead(participant: string, seq: number, now: number): boolean {
    const current = this.sql.exec("SELECT seq FROM receipts WHERE participant = ?", participant).toArray()[0];
    if (current && Number(current.seq) >= seq) return false;
    this.sql.exec("INSERT OR REPLACE INTO receipts (participant, seq) VALUES (?, ?)", participant, seq);
    this.enqueue("receipt", { participant, seq }, now);
    return true;
  }

  receipts(): { participant: string; seq: number }[] {
    return this.sql
      .exec("SELECT participant, seq FROM receipts")
      .toArray()
      .map((row) => ({ participant: String(row.participant), seq: Number(row.seq) }));
  }

  enqueue(kind: OutboxRow["kind"], payload: unknown, now: number): void {
    this.sql.exec(
      "INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?)",
      kind,
      JSON.stringify(payload),
      now,
    );
    if (this.cachedQueued !== undefined) this.cachedQueued++;
  }

  /** Queues a model call's usage for Postgres; false when the room holds no conversation. */
  recordUsage(usage: AiUsageRecord, now: number): boolean {
    if (!this.meta()) return false;
    this.enqueue("usage", { id: uuidv7(now), ...usage, createdAt: now }, now);
    return true;
  }

  /** Rows and messages waiting for Postgres (counted once, then kept in memory). */
  pendingCount(): number {
    this.cachedQueued ??= Number(this.sql.exec("SELECT count(*) AS n FROM outbox").one().n);
    return this.cachedQueued + this.lastSeq() - this.flushedSeq;
  }

  /** Where the outbox ends now: its last row and the last message (a drain takes nothing after it). */
  outboxEnd(): OutboxEnd {
    const last = this.sql.exec("SELECT max(id) AS id FROM outbox").one().id;
    return { id: Number(last ?? 0), seq: this.lastSeq() };
  }

  /** The next rows for Postgres up to `end`: at most `limit` outbox rows, then messages not copied yet. */
  outbox(limit: number, end: OutboxEnd): OutboxRow[] {
    const outbox = "SELECT id, kind, payload, created_at FROM outbox WHERE id <= ? ORDER BY id LIMIT ?";
    const rows = this.sql.exec(outbox, end.id, limit).toArray().map(toOutboxRow);
    const after = "SELECT * FROM messages WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
    const messages = this.sql
      .exec(after, this.flushedSeq, end.seq, limit - rows.length)
      .toArray()
      .map(toMessage);
    for (const message of messages)
      rows.push({
        id: -message.seq,
        kind: "message",
        payload: "",
        createdAt: Date.parse(message.createdAt),
        message,
      });
    return rows;
  }

  outboxStats(): { pending: number; oldestAt: number | null; dead: number } {
    const row = this.sql
      .exec(
        `SELECT (SELECT count(*) FROM outbox) AS n, (SELECT min(created_at) FROM outbox) AS queued,
           (SELECT created_at FROM messages WHERE seq = ?) AS message`,
        this.flushedSeq + 1,
      )
      .one();
    const oldest = [row.queued, row.message].filter((at) => at !== null).map(Number);
    return {
      pending: Number(row.n) + this.lastSeq() - this.flushedSeq,
      oldestAt: oldest.length > 0 ? Math.min(...oldest) : null,
      dead: this.deadCount(),
    };
  }

  /** `rows` (the first of `outbox()`, in its order) reached Postgres. */
  removeFromOutbox(rows: readonly OutboxRow[]): void {
    const queued = rows.filter((row) => !row.message).at(-1);
    if (queued) this.sql.exec("DELETE FROM outbox WHERE id <= ?", queued.id);
    const message = rows.filter((row) => row.message).at(-1)?.message;
    if (message) this.saveFlushedSeq(message.seq);
    this.cachedQueued = undefined;
  }

  /** Moves one outbox row (or message) to the dead letters with why Postgres refused it; later rows go on. */
  deadLetter(row: OutboxRow, reason: { code: string; message: string }, now: number): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO dead_letters (id, kind, payload, created_at, error_code, error, failed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      row.id,
      row.kind,
      row.message ? JSON.stringify(row.message) : row.payload,
      row.createdAt,
      reason.code,
      reason.message,
      now,
    );
    if (row.message) this.saveFlushedSeq(row.message.seq);
    else this.sql.exec("DELETE FROM outbox WHERE id = ?", row.id);
    this.cachedQueued = undefined;
  }

  /** Oldest queued first (a message's id is -seq: by seq among messages queued the same millisecond). */
  deadLetters(limit: number): DeadLetter[] {
    return this.sql
      .exec("SELECT * FROM dead_letters ORDER BY created_at, abs(id) LIMIT ?", limit)
      .toArray()
      .map((row) => ({
        ...toOutboxRow(row),
        errorCode: String(row.error_code),
        error: String(row.error),
        failedAt: Number(row.failed_at),
      }));
  }

  private saveFlushedSeq(seq: number): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('flushed_seq', ?)", String(seq));
    this.flushedSeq = seq;
    this.flushedSaved = true;
  }

  deadCount(): number {
    return Number(this.sql.exec("SELECT count(*) AS n FROM dead_letters").one().n);
  }
}

function toOutboxRow(row: Row): OutboxRow {
  return {
    id: Number(row.id),
    kind: row.kind as OutboxRow["kind"],
    payload: String(row.payload),
    createdAt: Number(row.created_at),
  };
}

function toMessage(row: Row): StoredMessage {
  const clientId = row.client_id === null ? undefined : String(row.client_id);
  return {
    type: "message",
    seq: Number(row.seq),
    id: String(row.id),
    ...(clientId ? { clientId } : {}),
    sender: { kind: row.sender_kind as Sender["kind"], id: String(row.sender_id) },
    text: String(row.text),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    metadata: JSON.parse(String(row.metadata)),
    ...(row.kind === "note" ? { kind: "note" as const } : {}),
  };
}
