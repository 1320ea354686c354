import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  agents,
  aiSettings,
  type BusinessHours,
  type HandoffRules,
  type ModelSettings,
} from "../../db/schema";
import { notFound } from "../../lib/errors";
import { requireChanges } from "../../lib/route-helpers";
import { seal } from "../../lib/secret-box";

type AgentRow = typeof agents.$inferSelect;

export interface AgentInput {
  name: string;
  systemPrompt?: string;
  greeting?: string | null;
  model?: ModelSettings | null;
  collections?: string[];
  handoffRules?: HandoffRules;
  businessHours?: BusinessHours | null;
  enabled?: boolean;
}

export function agentView(row: AgentRow) {
  const { tenantId: _tenant, ...rest } = row;
  return { ...rest, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export async function loadAgent(db: Database, tenantId: string, id: string): Promise<AgentRow> {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.id, id), eq(agents.tenantId, tenantId)));
  if (!row) throw notFound("Agent");
  return row;
}

export async function listAgents(db: Database, tenantId: string) {
  return (
    await db.select().from(agents).where(eq(agents.tenantId, tenantId)).orderBy(asc(agents.createdAt))
  ).map(agentView);
}

export async function createAgent(db: Database, tenantId: string, input: AgentInput) {
  const [row] = await db
    .insert(agents)
    .values({ ...input, tenantId })
    .returning();
  if (!row) throw new Error("agent insert returned nothing");
  return agentView(row);
}

export async function updateAgent(db: Database, tenantId: string, id: string, input: Partial<AgentInput>) {
  // An unknown id is a 404 before an empty update is a 400.
  await loadAgent(db, tenantId, id);
  requireChanges(input);
  const [row] = await db
    .update(agents)
    .set(input)
    .where(and(eq(agents.id, id), eq(agents.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound("Agent");
  return agentView(row);
}

export async function deleteAgent(db: Database, tenantId: string, id: string) {
  const deleted = await db
    .delete(agents)
    .where(and(eq(agents.id, id), eq(agents.tenantId, tenantId)))
    .returning({ id: agents.id });
  if (deleted.length === 0) throw notFound("Agent");
}

/** The tenant's AI settings as the API shows them: whether a key is set, never the key. */
export async function getAiConfig(db: Database, tenantId: string) {
  const [row] = await db.select().from(aiSettings).where(eq(aiSettings.tenantId, tenantId));
  return {
    providerApiKeySet: Boolean(row?.providerApiKeyEncrypted),
    defaultModel: row?.defaultModel ?? null,
    defaultSystemPrompt: row?.defaultSystemPrompt ?? "",
    monthlyTokenBudget: row?.monthlyTokenBudget ?? null,
  };
}

/** Updates the tenant's AI settings; `providerApiKey` is encrypted (null clears it). */
export async function putAiConfig(
  db: Database,
  tenantId: string,
  encryptionKey: string,
  input: {
    providerApiKey?: string | null;
    defaultModel?: ModelSettings | null;
    defaultSystemPrompt?: string;
    monthlyTokenBudget?: number | null;
  },
) {
  const { providerApiKey, ...rest } = input;
  const values = {
    ...rest,
    ...(providerApiKey === undefined
      ? {}
      : {
          providerApiKeyEncrypted: providerApiKey === null ? null : await seal(providerApiKey, encryptionKey),
        }),
  };
  await db
    .insert(aiSettings)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: aiSettings.tenantId, set: values });
  return getAiConfig(db, tenantId);
}
