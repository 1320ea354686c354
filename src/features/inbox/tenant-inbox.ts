import { DurableObject } from "cloudflare:workers";
import { and, desc, eq, inArray } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { conversations } from "../../db/schema";
import { type Env, loadConfig } from "../../env";
import { conversationView } from "../conversations/conversations.views";

const SNAPSHOT_SIZE = 50;

/** A tenant's live staff inbox: snapshot on connect, then every event from its rooms. */
export class TenantInbox extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS outbox_lag (conversation_id TEXT PRIMARY KEY, pending INTEGER NOT NULL, oldest_at INTEGER, dead INTEGER NOT NULL DEFAULT 0)",
    );
    // Inboxes created before dead letters existed lack the column.
    const columns = ctx.storage.sql.exec("SELECT name FROM pragma_table_info('outbox_lag')").toArray();
    if (!columns.some((column) => column.name === "dead"))
      ctx.storage.sql.exec("ALTER TABLE outbox_lag ADD COLUMN dead INTEGER NOT NULL DEFAULT 0");
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Accepts a staff socket (ticket verified by the Worker) and sends the snapshot. */
  override async fetch(request: Request): Promise<Response> {
    const tenantId = request.headers.get("X-Tenant-Id") ?? "";
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ userId: request.headers.get("X-Participant-Id") });
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
      server.send(JSON.stringify({ type: "snapshot", conversations: rows.map(conversationView) }));
    } finally {
      this.ctx.waitUntil(close());
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Forwards an event to every connected staff socket; outbox reports update the flush lag. */
  async publish(event: Record<string, unknown>): Promise<void> {
    if (event.type === "outbox") {
      const {
        conversationId,
        pending,
        oldestAt,
        dead = 0,
      } = event as {
        conversationId: string;
        pending: number;
        oldestAt: number | null;
        dead?: number;
      };
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
    const text = JSON.stringify(event);
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(text);
      } catch {
        // Closing.
      }
    }
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

  /** Deletes the inbox's storage and closes its sockets (its tenant is being deleted). */
  async destroy(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) socket.close(4404, "tenant deleted");
    await this.ctx.storage.deleteAlarm();
    // Its tables go too; nothing of a deleted tenant writes to them any more.
    await this.ctx.storage.deleteAll();
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed.
    }
  }
}
