import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type agents, aiSettings, type ModelSettings } from "../../db/schema";
import type { Config } from "../../env";
import { AppError } from "../../lib/errors";
import { open } from "../../lib/secret-box";
import { HANDOFF_TOOL, type ProviderResult, streamChat } from "../../providers/ai-chat";
import { loadAgent } from "./agents.service";
import { extractiveAnswer } from "./extract";
import { buildMessages, type HistoryItem } from "./prompt";
import { type Citation, citationsOf, type Passage, retrieve } from "./retrieval";
import { estimateCost, monthlyBudget } from "./usage";

type AgentRow = typeof agents.$inferSelect;

export interface AgentContext {
  tenantId: string;
  agent: Pick<
    AgentRow,
    "id" | "name" | "systemPrompt" | "collections" | "handoffRules" | "businessHours" | "greeting" | "enabled"
  >;
  model: ModelSettings | null;
  apiKey: string | null;
}

export interface Answer {
  mode: "model" | "retrieval";
  text: string;
  citations: Citation[];
  passages: Passage[];
  handoff: { reason: string } | null;
  usage: {
    model: string;
    promptTokens: number;
    completionTokens: number;
    latencyMs: number;
    costEstimate: number;
  } | null;
}

interface Deps {
  db: Database;
  config: Config;
}

const HISTORY_BUDGET_TOKENS = 3000;

/** An agent with the tenant's provider settings; without `agentId`, the tenant's default assistant. */
export async function loadAgentContext(
  deps: Deps,
  tenantId: string,
  agentId?: string | null,
): Promise<AgentContext> {
  const [settings] = await deps.db.select().from(aiSettings).where(eq(aiSettings.tenantId, tenantId));
  const agent = agentId
    ? await loadAgent(deps.db, tenantId, agentId)
    : {
        id: "default",
        name: "default",
        systemPrompt: settings?.defaultSystemPrompt ?? "",
        collections: [],
        handoffRules: { keywords: [] },
        businessHours: null,
        greeting: null,
        enabled: true,
      };
  const apiKey = settings?.providerApiKeyEncrypted
    ? await open(settings.providerApiKeyEncrypted, deps.config.ENCRYPTION_KEY)
    : null;
  return {
    tenantId,
    agent,
    model: ("model" in agent ? agent.model : null) ?? settings?.defaultModel ?? null,
    apiKey,
  };
}

/** Whether replies come from a model (else retrieval mode: quoted passages, no generated text). */
export const usesModel = (ctx: AgentContext) =>
  Boolean(ctx.model && (ctx.apiKey || ctx.model.provider === "custom"));

/**
 * Answers the latest visitor turn: retrieves passages from the agent's collections, then either
 * streams a grounded reply from the model (which may call `handoff`) or, with no provider, quotes
 * the passages. `onDelta` receives text as it is produced.
 */
export async function generateAnswer(
  deps: Deps,
  ctx: AgentContext,
  history: HistoryItem[],
  options: { signal?: AbortSignal; onDelta?: (text: string) => void } = {},
): Promise<Answer> {
  const question = latestVisitorTurn(history);
  const passages = await retrieve(deps, ctx.tenantId, ctx.agent.collections, question);
  const citations = citationsOf(passages);
  if (!usesModel(ctx) || !ctx.model) {
    const answer = await extractiveAnswer(deps.db, ctx.tenantId, question, passages);
    options.onDelta?.(answer.text);
    return { mode: "retrieval", ...answer, passages, handoff: null, usage: null };
  }
  const { used, budget } = await monthlyBudget(deps.db, ctx.tenantId);
  if (budget !== null && used >= budget)
    throw new AppError("rate_limited", "This month's AI token budget is spent");

  const started = Date.now();
  const result: ProviderResult = await streamChat(
    {
      model: ctx.model,
      apiKey: ctx.apiKey ?? "none",
      allowPrivate: deps.config.ALLOW_PRIVATE_OUTBOUND,
      timeoutMs: deps.config.AI_TIMEOUT_SECONDS * 1000,
    },
    buildMessages(ctx.agent.systemPrompt, passages, history, HISTORY_BUDGET_TOKENS),
    { tools: [HANDOFF_TOOL], ...options },
  );
  const handoff =
    result.toolCall?.name === "handoff" ? { reason: parseReason(result.toolCall.arguments) } : null;
  const { promptTokens, completionTokens } = result.usage;
  return {
    mode: "model",
    text: result.text,
    citations,
    passages,
    handoff,
    usage: {
      model: ctx.model.model,
      promptTokens,
      completionTokens,
      latencyMs: Date.now() - started,
      costEstimate: estimateCost(ctx.model.model, promptTokens, completionTokens),
    },
  };
}

/** The visitor's messages since the last reply, joined: what the next answer must address. */
export function latestVisitorTurn(history: HistoryItem[]): string {
  const turn: string[] = [];
  for (const item of [...history].reverse()) {
    if (item.sender !== "visitor") break;
    turn.unshift(item.text);
  }
  return turn.join("\n");
}

function parseReason(args: string): string {
  try {
    const parsed = JSON.parse(args) as { reason?: unknown };
    return typeof parsed.reason === "string" ? parsed.reason.slice(0, 300) : "requested by the assistant";
  } catch {
    return "requested by the assistant";
  }
}
