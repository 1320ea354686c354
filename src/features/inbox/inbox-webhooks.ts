import { and, eq } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { webhookEndpoints } from "../../db/schema";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { roomFor } from "../conversations/room-client";

// A backstop only: every endpoint change clears the cache at once (webhooks.service.ts).
const TTL_MS = 5 * 60_000;
/** How long a room keeps the answer it was given; it is told of every change until then. */
export const ROOM_WEBHOOK_CACHE_MS = 60_000;
// Rooms that asked within this long are told of a change (twice their cache: clocks of two objects).
const ROOM_MEMORY_MS = 2 * ROOM_WEBHOOK_CACHE_MS;

/**
 * Which webhook event types a tenant's enabled endpoints listen for, kept by its inbox (one per
 * tenant), so an event nobody wants costs no queue message and no fan-out query. The rooms keep the
 * answer for their own hot path; the inbox remembers (in its SQLite) which rooms asked, and tells
 * them of a change before the change is answered.
 */
export class InboxWebhookCache {
  private types: { loading: Promise<string[]>; at: number } | null = null;

  constructor(
    private readonly env: Env,
    private readonly sql: SqlStorage,
  ) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS webhook_rooms (conversation_id TEXT PRIMARY KEY, asked_at INTEGER NOT NULL)",
    );
  }

  /** The event types some enabled endpoint wants; `conversationId`: a room that caches the answer. */
  get(tenantId: string, conversationId?: string): Promise<string[]> {
    if (conversationId) {
      const now = Date.now();
      // Rooms whose cache has ended need no telling: the table holds the tenant's busy rooms only.
      this.sql.exec("DELETE FROM webhook_rooms WHERE asked_at <= ?", now - ROOM_MEMORY_MS);
      this.sql.exec(
        "INSERT OR REPLACE INTO webhook_rooms (conversation_id, asked_at) VALUES (?, ?)",
        conversationId,
        now,
      );
    }
    if (!this.types || Date.now() - this.types.at > TTL_MS) {
      const loading = this.load(tenantId);
      this.types = { loading, at: Date.now() };
      // A failed load is not kept: the next event asks Postgres again.
      loading.catch(() => {
        if (this.types?.loading === loading) this.types = null;
      });
    }
    return this.types.loading;
  }

  /** An endpoint was created, changed or deleted: the next event asks Postgres, in every room too. */
  async clear(): Promise<void> {
    this.types = null;
    const rooms = this.sql
      .exec<{ conversation_id: string }>(
        "SELECT conversation_id FROM webhook_rooms WHERE asked_at > ?",
        Date.now() - ROOM_MEMORY_MS,
      )
      .toArray()
      .map((row) => row.conversation_id);
    this.sql.exec("DELETE FROM webhook_rooms");
    const told = await Promise.allSettled(rooms.map((id) => roomFor(this.env, id).webhooksChanged()));
    const failed = told.filter((result) => result.status === "rejected");
    // Such a room sends what its answer allowed until its cache ends (at most ROOM_WEBHOOK_CACHE_MS).
    if (failed.length > 0)
      log("warn", "rooms not told of a webhook change", {
        rooms: failed.length,
        ...describeError((failed[0] as PromiseRejectedResult).reason),
      });
  }

  private async load(tenantId: string): Promise<string[]> {
    const { db, close } = openDatabase(loadConfig(this.env));
    try {
      const rows = await db
        .select({ events: webhookEndpoints.events })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.enabled, true)));
      return [...new Set(rows.flatMap((row) => row.events))];
    } finally {
      await close();
    }
  }
}
