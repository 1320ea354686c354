// A minimal chat room speaking the bench's subset of docs/realtime.md (message → ack + message to all,
// `ready` on join), so `BENCH_FLOOR=1 npm run bench:realtime` measures what local workerd itself costs.
import { DurableObject } from "cloudflare:workers";

export class FloorRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, client_id TEXT UNIQUE, text TEXT NOT NULL, created_at INTEGER NOT NULL)",
    );
    this.seq = Number(this.sql.exec("SELECT coalesce(max(seq), 0) AS seq FROM messages").one().seq);
  }

  fetch() {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ type: "ready", lastSeq: this.seq }));
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(ws, data) {
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      frame = null;
    }
    if (frame?.type !== "message" || typeof frame.clientId !== "string" || typeof frame.text !== "string") {
      ws.send(JSON.stringify({ type: "error", code: "invalid_frame", message: "expected a message frame" }));
      return;
    }
    const seq = this.seq + 1;
    const now = Date.now();
    const stored = this.sql
      .exec(
        "INSERT INTO messages (seq, client_id, text, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING RETURNING seq",
        seq,
        frame.clientId,
        frame.text,
        now,
      )
      .toArray();
    if (stored.length === 0) return;
    this.seq = seq;
    const sender = { kind: "visitor", id: "bench" };
    const message = JSON.stringify({
      type: "message",
      seq,
      id: crypto.randomUUID(),
      clientId: frame.clientId,
      sender,
      text: frame.text,
      createdAt: new Date(now).toISOString(),
    });
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === ws) socket.send(JSON.stringify({ type: "ack", clientId: frame.clientId, seq }));
      socket.send(message);
    }
  }
}

export default {
  fetch(request, env) {
    const room = /^\/rooms\/([\w-]{1,64})\/ws$/.exec(new URL(request.url).pathname)?.[1];
    if (!room || request.headers.get("Upgrade") !== "websocket")
      return Response.json({ error: { code: "not_found", message: "GET /rooms/:name/ws" } }, { status: 404 });
    return env.FLOOR_ROOM.get(env.FLOOR_ROOM.idFromName(room)).fetch(request);
  },
};
