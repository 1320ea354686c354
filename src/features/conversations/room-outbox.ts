import type { Database } from "../../db/client";
import type { JsonObject } from "../../lib/json";
import { describeError, log } from "../../lib/logger";
import { drainOutbox } from "./room-flush";
import type { RoomMeta, RoomStore } from "./room-store";

/** A row written in a quiet room goes to Postgres this long after (what follows it joins it). */
export const FLUSH_DELAY_MS = 500;
/**
 * A busy room copies to Postgres at most this often: a copy every 500 ms cost more CPU than the
 * messages themselves at 10 msg/s (docs/benchmarks.md, Realtime).
 */
export const BUSY_FLUSH_MS = 2000;
// Rows copied to Postgres in one batch (one HTTP request, one transaction).
const FLUSH_BATCH = 200;
const MAX_BACKOFF_MS = 60_000;

/** What the outbox needs from its room. */
export interface OutboxPort {
  /** The room's store (a new one after the room was destroyed). */
  store(): RoomStore;
  database(): Database;
  /** The conversation is gone from Postgres: the room drops itself. */
  gone(): Promise<void>;
  /** Where the room's copy stands, after every attempt (for /api/metrics). */
  report(meta: RoomMeta, stats: ReturnType<RoomStore["outboxStats"]>): void;
}

/**
 * The room's copy to Postgres: drains the outbox one attempt at a time (an alarm and a flush on
 * demand never drain the same rows at once), backs off while Postgres is down, dead-letters rows it
 * refuses for good (room-flush.ts), and shows a tenant admin where it stands.
 */
export class RoomOutbox {
  private flushing: Promise<void> | null = null;
  private drainedAt = 0;

  constructor(private readonly port: OutboxPort) {}

  /** When a row written now is due in Postgres (while not backing off): see BUSY_FLUSH_MS. */
  dueAt(now = Date.now()): number {
    return Math.max(now + FLUSH_DELAY_MS, this.drainedAt + BUSY_FLUSH_MS);
  }

  async flush(meta: RoomMeta): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.drain(meta).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  /** What waits, and what Postgres refused for good and why. */
  view(limit: number) {
    const store = this.port.store();
    const meta = store.meta();
    if (!meta) return null;
    const { pending, oldestAt, dead } = store.outboxStats();
    return {
      pending,
      oldestAt: oldestAt === null ? null : new Date(oldestAt).toISOString(),
      flushAttempts: meta.flushAttempts,
      deadCount: dead,
      dead: store.deadLetters(limit).map((row) => ({
        id: row.id,
        kind: row.kind,
        payload: parsedPayload(row.payload),
        queuedAt: new Date(row.createdAt).toISOString(),
        failedAt: new Date(row.failedAt).toISOString(),
        error: { code: row.errorCode, message: row.error },
      })),
    };
  }

  private async drain(meta: RoomMeta): Promise<void> {
    this.drainedAt = Date.now();
    const { conversationId } = meta;
    const store = this.port.store();
    try {
      const outcome = await drainOutbox(this.port.database(), meta, store, FLUSH_BATCH);
      if (outcome.kind === "gone") {
        log("warn", "conversation gone from Postgres; dropping its room", { conversationId });
        await this.port.gone();
        return;
      }
      if (outcome.deadLettered > 0)
        log("error", "outbox rows refused by Postgres were dead-lettered", {
          conversationId,
          count: outcome.deadLettered,
        });
      if (outcome.kind === "retry") throw outcome.error;
      store.saveMeta({ ...(store.meta() ?? meta), flushAttempts: 0, nextFlushAt: null });
    } catch (error) {
      const current = store.meta() ?? meta;
      const attempts = current.flushAttempts + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts - 1));
      store.saveMeta({ ...current, flushAttempts: attempts, nextFlushAt: Date.now() + delay });
      log("warn", "outbox flush failed; will retry", {
        conversationId,
        attempts,
        delayMs: delay,
        ...describeError(error),
      });
    } finally {
      const now = this.port.store();
      if (now.meta()) this.port.report(meta, now.outboxStats());
    }
  }
}

/** An outbox row's payload (the room wrote it as JSON). */
const parsedPayload = (payload: string): JsonObject => JSON.parse(payload);
