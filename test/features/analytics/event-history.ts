import { env } from "cloudflare:workers";
import type { Database } from "../../../src/db/client";
import { openDatabase } from "../../../src/db/client";
import { aiUsage, analyticsEvents } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";

/** One analytics event of a known history (`at` ISO; `key` defaults to a unique one). */
export interface TestEvent {
  name: string;
  at: string;
  actor?: "human" | "ai" | "system";
  conversationId?: string;
  channel?: string;
  agentId?: string;
  userId?: string;
  valueS?: number;
  valueBhS?: number;
  dims?: Record<string, unknown>;
  key?: string;
}

/** Runs `work` with a database handle of the test Postgres. */
export async function withDb<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    return await work(db);
  } finally {
    await close();
  }
}

/** Writes events as the outbox writers do: a replayed key is a no-op. */
export function insertEvents(tenantId: string, events: TestEvent[]) {
  return withDb((db) =>
    db
      .insert(analyticsEvents)
      .values(
        events.map((event) => ({
          tenantId,
          key: event.key ?? crypto.randomUUID(),
          conversationId: event.conversationId,
          name: event.name,
          actor: event.actor ?? "system",
          channel: event.channel,
          agentId: event.agentId,
          userId: event.userId,
          valueS: event.valueS,
          valueBhS: event.valueBhS,
          dims: event.dims ?? {},
          at: new Date(event.at),
        })),
      )
      .onConflictDoNothing(),
  );
}

/** Stored AI usage rows (one per AI reply), as the AI feature writes them. */
export function insertUsage(
  tenantId: string,
  rows: {
    agentId: string;
    model: string;
    promptTokens: number;
    completionTokens: number;
    costEstimate: number;
    at: string;
  }[],
) {
  return withDb((db) =>
    db.insert(aiUsage).values(
      rows.map((row) => ({
        id: crypto.randomUUID(),
        tenantId,
        agentId: row.agentId,
        model: row.model,
        promptTokens: row.promptTokens,
        completionTokens: row.completionTokens,
        latencyMs: 100,
        costEstimate: row.costEstimate,
        createdAt: new Date(row.at),
      })),
    ),
  );
}
