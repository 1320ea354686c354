// The floor under Switchboard's REST reads, for `npm run bench:rest`: the least a Worker can do to
// answer the same history read with the same guarantees — parse the request, check a bearer API key
// with one indexed query over the same HTTP `/sql` path as the app (neon(), the db proxy, Postgres),
// read the newest messages from the conversation's Durable Object SQLite (the object checks the tenant,
// as the app's room would) and return JSON. No framework, no validation library, no ORM.

import { DurableObject } from "cloudflare:workers";
import { neon, neonConfig } from "@neondatabase/serverless";

const HISTORY = /^\/api\/conversations\/([\w-]{1,64})\/messages$/;

export class FloorRestRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (tenant_id TEXT NOT NULL)");
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, client_id TEXT, sender_kind TEXT NOT NULL, sender_id TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL)",
    );
  }

  seed(tenantId, count) {
    this.sql.exec("DELETE FROM meta");
    this.sql.exec("INSERT INTO meta (tenant_id) VALUES (?)", tenantId);
    for (let seq = 1; seq <= count; seq++)
      this.sql.exec(
        "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, 'visitor', 'bench', ?, ?)",
        seq,
        crypto.randomUUID(),
        `seed-${seq}`,
        `seed ${seq} ${"y".repeat(80)}`,
        Date.now(),
      );
  }

  /** The newest `limit` messages, oldest first; null when the conversation is not the tenant's. */
  history(tenantId, limit) {
    const meta = this.sql.exec("SELECT tenant_id FROM meta").toArray()[0];
    if (meta?.tenant_id !== tenantId) return null;
    return this.sql
      .exec("SELECT * FROM messages ORDER BY seq DESC LIMIT ?", limit)
      .toArray()
      .reverse()
      .map((r) => ({
        id: r.id,
        seq: r.seq,
        clientId: r.client_id,
        sender: { kind: r.sender_kind, id: r.sender_id },
        text: r.text,
        kind: "message",
        metadata: {},
        createdAt: new Date(r.created_at).toISOString(),
      }));
  }
}

const error = (status, code, message) => Response.json({ error: { code, message } }, { status });

let query;
/** One HTTP query client per isolate (it holds no connection: each query is one fetch). */
function sql(env) {
  if (query) return query;
  const proxy = new URL(env.DB_PROXY_URL);
  neonConfig.fetchEndpoint = `http://${proxy.host}/sql`;
  query = neon(env.DATABASE_URL);
  return query;
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const room = (env, id) => env.FLOOR_REST_ROOM.get(env.FLOOR_REST_ROOM.idFromName(id));

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ ok: true });
    // Set-up for the bench (not measured): keys and conversations with their messages.
    if (url.pathname === "/seed" && request.method === "POST") {
      const { tenantId, keys, conversations, messages } = await request.json();
      const db = sql(env);
      await db`CREATE TABLE IF NOT EXISTS floor_keys (key_hash text PRIMARY KEY, tenant_id text NOT NULL)`;
      for (const key of keys)
        await db`INSERT INTO floor_keys VALUES (${await sha256(key)}, ${tenantId}) ON CONFLICT DO NOTHING`;
      for (const id of conversations) await room(env, id).seed(tenantId, messages);
      return Response.json({ ok: true }, { status: 201 });
    }
    const id = HISTORY.exec(url.pathname)?.[1];
    if (!id || request.method !== "GET")
      return error(404, "not_found", "GET /api/conversations/:id/messages");
    const limit = Number(url.searchParams.get("limit") ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return error(400, "validation_failed", "limit must be 1–200");
    const key = /^Bearer\s+(\S+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
    if (!key) return error(401, "unauthorized", "Missing bearer token");
    const hash = await sha256(key);
    const [principal] = await sql(env)`SELECT tenant_id FROM floor_keys WHERE key_hash = ${hash}`;
    if (!principal) return error(401, "unauthorized", "Invalid API key");
    const data = await room(env, id).history(principal.tenant_id, limit);
    if (!data) return error(404, "not_found", "Conversation not found");
    // FLOOR_LOG=1: one JSON log line per request, as the app writes (what a console line costs here).
    if (env.FLOOR_LOG === "1")
      console.log(
        JSON.stringify({ level: "info", message: "request", status: 200, tenantId: principal.tenant_id }),
      );
    return Response.json({ data });
  },
};
