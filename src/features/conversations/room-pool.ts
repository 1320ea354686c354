import { type Database, openDatabase } from "../../db/client";
import type { Config } from "../../env";

/**
 * The room's Postgres handle, kept while the object lives: its Pool (interactive transactions: AI
 * replies, plans) would cost a WebSocket and auth per use otherwise; the outbox copy uses the handle's
 * HTTP batches and holds no connection. A new URL (config change) gets a new handle.
 */
export class RoomPool {
  private current: { url: string; db: Database; close: () => Promise<void> } | null = null;

  db(config: Config): Database {
    if (this.current?.url !== config.DATABASE_URL) {
      this.current?.close().catch(() => {});
      // Idle connections close soon: an open socket would keep the object from hibernating.
      const { db, close } = openDatabase(config, { idleTimeoutMillis: 3_000 });
      this.current = { url: config.DATABASE_URL, db, close };
    }
    return this.current.db;
  }
}
