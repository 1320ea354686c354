import { and, eq } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { webhookEndpoints } from "../../db/schema";
import { loadConfig } from "../../env";

// A backstop only: every endpoint change clears the cache at once (webhooks.service.ts).
const TTL_MS = 5 * 60_000;

/**
 * Which webhook event types a tenant's enabled endpoints listen for, kept by its inbox (one per
 * tenant), so an event nobody wants costs no queue message and no fan-out query.
 */
export class InboxWebhookCache {
  private types: { loading: Promise<string[]>; at: number } | null = null;

  constructor(private readonly env: Env) {}

  /** The event types some enabled endpoint wants. */
  get(tenantId: string): Promise<string[]> {
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

  /** An endpoint was created, changed or deleted: the next event asks Postgres. */
  clear(): void {
    this.types = null;
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
