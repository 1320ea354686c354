import { DurableObject } from "cloudflare:workers";
import { and, desc, eq, inArray } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { conversations } from "../../db/schema";
import { loadConfig } from "../../env";
import { refusal } from "../../lib/errors";
import { parseJson } from "../../lib/json";
import { conversationView } from "../conversations/conversations.views";
import { INBOX_JOIN_HEADER, type InboxEvent, InboxJoin, type InboxMessageEvent } from "./inbox.protocol";
import { InboxWebhookCache } from "./inbox-webhooks";

const SNAPSHOT_SIZE = 50;
/** Longer than a room takes to copy a message to Postgres (at most every 2 s, more while it is down). */
const RECENT_MESSAGE_MS = 60_000;
// Longer than a ticket lives (60 s) plus its upgrade: a join reported later than this cannot be racing.
const REVOCATION_MEMORY_MS = 5 * 60_000;
/** Close code for a socket whose principal was deactivated or revoked (docs/realtime.md). */
export const ACCESS_REVOKED_CLOSE = 4403;

/** A tenant's live staff inbox: snapshot on connect, then every event from its rooms. */
export class TenantInbox extends DurableObject<Env> {
  private readonly webhooks: InboxWebhookCache;
  /** Sockets waiting for their snapshot, with the events published meanwhile (sent after it). */
  private readonly joining = new Map<WebSocket, string[]>();
  /**
   * Each room's latest message event of the last minute: the snapshot is read from Postgres, which a
   * room's copy reaches up to seconds later, and an event sent before a socket joined is not resent.
   */
  private readonly recent = new Map<string, { event: InboxMessageEvent; at: number }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.webhooks = new InboxWebhookCache(env, ctx.storage.sql);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS outbox_lag (conversation_id TEXT PRIMARY KEY, pending INTEGER NOT NULL, oldest_at INTEGER, dead INTEGER NOT NULL DEFAULT 0)",
    );
    // Inboxes created before dead letters existed lack the column.
    const columns = ctx.storage.sql.exec("SELECT name FROM pragma_table_info('outbox_lag')").toArray();
    if (!columns.some((column) => column.name === "dead"))
      ctx.storage.sql.exec("ALTER TABLE outbox_lag ADD COLUMN dead INTEGER NOT NULL DEFAULT 0");
    // Which rooms each staff principal (user or API key) has sockets in, reported by the rooms, so a
    // revocation reaches them; and recent revocations, so a join racing one is closed too.
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS staff_rooms (principal_id TEXT NOT NULL, conversation_id TEXT NOT NULL, PRIMARY KEY (principal_id, conversation_id))",
    );
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS revocations (principal_id TEXT PRIMARY KEY, revoked_at INTEGER NOT NULL)",
    );
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Accepts a staff socket (ticket verified by the Worker) and sends the snapshot. */
  override async fetch(request: Request): Promise<Response> {
    const parsed = InboxJoin.safeParse(parseJson(request.headers.get(INBOX_JOIN_HEADER)));
    if (!parsed.success) return refusal(400, "bad_request", "Invalid inbox join");
    const { tenantId, principalId, ticketIssuedAtMs } = parsed.data;
    if (this.revokedSince(principalId, ticketIssuedAtMs))
      return refusal(401, "unauthorized", "Ticket no longer valid: access was revoked");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ userId: principalId });
    this.joining.set(server, []);
    const { db, close } = openDatabase(loadConfig(this.env));
    try {
      const rows = await db
        .select()
        .from(conversations)
        .where(
          and(
            eq(conversations.tenantId, tenantId),
            inArray(conversations.status, ["open", "pending_human", "with_human"]),
          ),
        )
        .orderBy(desc(conversations.updatedAt))
        .limit(SNAPSHOT_SIZE);
      const snapshot = rows.map((row) => this.withRecentMessage(conversationView(row)));
      server.send(JSON.stringify({ type: "snapshot", conversations: snapshot }));
      for (const text of this.joining.get(server) ?? []) server.send(text);
    } finally {
      this.joining.delete(server);
      this.ctx.waitUntil(close());
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Forwards an event to every connected staff socket; outbox reports update the flush lag. */
  async publish(event: InboxEvent): Promise<void> {
    if (event.type === "outbox") {
      const { conversationId, pending, oldestAt, dead } = event;
      if (pending > 0 || dead > 0) {
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO outbox_lag (conversation_id, pending, oldest_at, dead) VALUES (?, ?, ?, ?)",
          conversationId,
          pending,
          oldestAt,
          dead,
        );
      } else {
        this.ctx.storage.sql.exec("DELETE FROM outbox_lag WHERE conversation_id = ?", conversationId);
      }
      return;
    }
    if (event.type === "message") this.remember(event);
    const text = JSON.stringify(event);
    for (const socket of this.ctx.getWebSockets()) {
      const waiting = this.joining.get(socket);
      if (waiting) {
        waiting.push(text);
        continue;
      }
      try {
        socket.send(text);
      } catch {
        // Closing.
      }
    }
  }

  private remember(event: InboxMessageEvent): void {
    const now = Date.now();
    // Oldest first (an update moves its room to the end): the sweep stops at the first fresh one.
    for (const [id, { at }] of this.recent) {
      if (now - at <= RECENT_MESSAGE_MS) break;
      this.recent.delete(id);
    }
    const known = this.recent.get(event.conversationId)?.event;
    if (known && event.seq <= known.seq) return;
    this.recent.delete(event.conversationId);
    this.recent.set(event.conversationId, { event, at: now });
  }

  /** A snapshot row with the room's latest message event, where Postgres has not caught up with it. */
  private withRecentMessage<
    T extends {
      id: string;
      lastSeq: number;
      lastMessagePreview: string | null;
      lastMessageAt: string | null;
    },
  >(row: T): T {
    const event = this.recent.get(row.id)?.event;
    if (!event || event.seq <= row.lastSeq) return row;
    return {
      ...row,
      lastSeq: event.seq,
      lastMessageAt: event.createdAt,
      lastMessagePreview: event.kind === "note" ? row.lastMessagePreview : event.preview,
    };
  }

  /** Rows waiting to reach Postgres across the tenant's rooms, the age of the oldest, and the dead letters. */
  flushLag(): { pending: number; lagSeconds: number; dead: number } {
    const row = this.ctx.storage.sql
      .exec(
        "SELECT coalesce(sum(pending), 0) AS pending, min(oldest_at) AS oldest, coalesce(sum(dead), 0) AS dead FROM outbox_lag",
      )
      .one();
    const oldest = row.oldest === null ? null : Number(row.oldest);
    return {
      pending: Number(row.pending),
      dead: Number(row.dead),
      lagSeconds: oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000),
    };
  }

  /**
   * The webhook event types the tenant's enabled endpoints want (cached until an endpoint changes);
   * a room that asks (`conversationId`) keeps the answer and is told when it changes.
   */
  webhookEvents(tenantId: string, conversationId?: string): Promise<string[]> {
    return this.webhooks.get(tenantId, conversationId);
  }

  /** An endpoint was created, changed or deleted: the very next event, in any room, is checked against Postgres. */
  webhooksChanged(): Promise<void> {
    return this.webhooks.clear();
  }

  /** How many staff principals have the live inbox open: the widget's online/away indicator. */
  staffOnline(): number {
    const ids = this.ctx
      .getWebSockets()
      .map((socket) => (socket.deserializeAttachment() as { userId?: string } | null)?.userId);
    return new Set(ids.filter(Boolean)).size;
  }

  /** Deletes the inbox's storage and closes its sockets (its tenant is being deleted). */
  async destroy(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) socket.close(4404, "tenant deleted");
    await this.ctx.storage.deleteAlarm();
    // Its tables go too; nothing of a deleted tenant writes to them any more.
    await this.ctx.storage.deleteAll();
  }

  /**
   * A room reports a staff socket joining (`issuedAtMs`: its ticket's issue time) or the principal's
   * last socket there leaving. Answers true when the principal was revoked since: the room closes it.
   */
  staffPresence(conversationId: string, principalId: string, state: "join" | "leave", issuedAtMs = 0) {
    if (state === "leave") {
      this.ctx.storage.sql.exec(
        "DELETE FROM staff_rooms WHERE principal_id = ? AND conversation_id = ?",
        principalId,
        conversationId,
      );
      return false;
    }
    if (this.revokedSince(principalId, issuedAtMs)) return true;
    this.ctx.storage.sql.exec(
      "INSERT OR IGNORE INTO staff_rooms (principal_id, conversation_id) VALUES (?, ?)",
      principalId,
      conversationId,
    );
    return false;
  }

  /** Staff principals online now: with an inbox socket here, or a socket in one of the tenant's rooms. */
  onlineStaff(): string[] {
    const online = new Set<string>();
    for (const socket of this.ctx.getWebSockets()) {
      const attachment = socket.deserializeAttachment() as { userId?: string | null } | null;
      if (attachment?.userId) online.add(attachment.userId);
    }
    for (const row of this.ctx.storage.sql.exec("SELECT DISTINCT principal_id FROM staff_rooms"))
      online.add(String(row.principal_id));
    return [...online];
  }

  /**
   * Closes a deactivated user's or revoked key's sockets: its inbox sockets here, and its room
   * sockets through each room it joined. `revokedAt` (the revoking Worker's clock, like ticket times)
   * is remembered so a join that raced the revocation is closed when it reports in.
   */
  async closePrincipal(principalId: string, revokedAt: number): Promise<{ rooms: number }> {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM revocations WHERE revoked_at < ?", Date.now() - REVOCATION_MEMORY_MS);
    sql.exec(
      "INSERT INTO revocations (principal_id, revoked_at) VALUES (?, ?) ON CONFLICT (principal_id) DO UPDATE SET revoked_at = max(revoked_at, excluded.revoked_at)",
      principalId,
      revokedAt,
    );
    for (const socket of this.ctx.getWebSockets()) {
      const attachment = socket.deserializeAttachment() as { userId?: string | null } | null;
      if (attachment?.userId === principalId) socket.close(ACCESS_REVOKED_CLOSE, "access revoked");
    }
    const rooms = sql
      .exec<{ conversation_id: string }>(
        "SELECT conversation_id FROM staff_rooms WHERE principal_id = ?",
        principalId,
      )
      .toArray()
      .map((row) => row.conversation_id);
    await Promise.all(
      rooms.map((id) =>
        this.env.CONVERSATION_ROOM.get(this.env.CONVERSATION_ROOM.idFromName(id)).closeParticipant(
          principalId,
        ),
      ),
    );
    sql.exec("DELETE FROM staff_rooms WHERE principal_id = ?", principalId);
    return { rooms: rooms.length };
  }

  private revokedSince(principalId: string, issuedAtMs: number): boolean {
    const [row] = this.ctx.storage.sql
      .exec<{ revoked_at: number }>(
        "SELECT revoked_at FROM revocations WHERE principal_id = ? AND revoked_at > ?",
        principalId,
        Date.now() - REVOCATION_MEMORY_MS,
      )
      .toArray();
    return row !== undefined && issuedAtMs <= row.revoked_at;
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed.
    }
  }
}
