import { type Database, openDatabase } from "../../db/client";
import type { Config } from "../../env";

/**
 * The room's Postgres pool, kept while the object lives: connecting per flush or per AI reply
 * (WebSocket + auth) cost more than the work. A new URL (config change) gets a new pool.
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
