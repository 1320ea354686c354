import { and, eq, gte, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { aiSettings, aiUsage } from "../../db/schema";
import { uuidv7 } from "../../lib/ids";

// USD per million tokens (input, output) for common models; unknown models are estimated at 0.
const PRICES: Record<string, [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1": [2, 8],
  "gpt-5-mini": [0.25, 2],
  "gpt-5": [1.25, 10],
};

/** Estimated cost in USD of one reply. */
export function estimateCost(model: string, promptTokens: number, completionTokens: number): number {
  const key = Object.keys(PRICES)
    .sort((a, b) => b.length - a.length)
    .find((name) => model.includes(name));
  const [input, output] = key ? (PRICES[key] ?? [0, 0]) : [0, 0];
  return (promptTokens * input + completionTokens * output) / 1_000_000;
}

/** Tokens used this calendar month (UTC) and the tenant's budget (null = unlimited). */
export async function monthlyBudget(db: Database, tenantId: string) {
  const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
  const [used] = await db
    .select({
      tokens: sql<number>`coalesce(sum(${aiUsage.promptTokens} + ${aiUsage.completionTokens}), 0)::int`,
    })
    .from(aiUsage)
    .where(and(eq(aiUsage.tenantId, tenantId), gte(aiUsage.createdAt, monthStart)));
  const [settings] = await db
    .select({ budget: aiSettings.monthlyTokenBudget })
    .from(aiSettings)
    .where(eq(aiSettings.tenantId, tenantId));
  return { used: used?.tokens ?? 0, budget: settings?.budget ?? null };
}

/** One model call made outside a conversation (a conversation's calls are recorded by its room). */
export interface UsageRecord {
  tenantId: string;
  agentId: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
}

/** Writes one usage row for a call outside a conversation, with its estimated cost. */
export async function recordUsage(db: Database, usage: UsageRecord): Promise<void> {
  await db.insert(aiUsage).values({
    id: uuidv7(),
    ...usage,
    costEstimate: estimateCost(usage.model, usage.promptTokens, usage.completionTokens),
  });
}
