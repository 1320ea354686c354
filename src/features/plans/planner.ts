import type { agentActions } from "../../db/schema";
import type { JsonObject } from "../../lib/json";
import { HANDOFF_TOOL, streamChat } from "../../providers/ai-chat";
import type { ArgumentIssue } from "../actions/operations";
import { toolFor, WHY_ARGUMENT } from "../actions/operations";
import type { AgentContext } from "../ai/answer";
import { buildMessages, type HistoryItem } from "../ai/prompt";
import { retrieve } from "../ai/retrieval";
import { estimateCost } from "../ai/usage";
import type { ProposedStep } from "./plan-types";
import { checkSteps, operationIndex } from "./plan-validation";
import type { AiDeps, AiUsage } from "./verifier";

type ActionRow = typeof agentActions.$inferSelect;

const HISTORY_BUDGET_TOKENS = 3000;

const INSTRUCTIONS = `

You can act on the company's systems through the tools you are given. When the user asks for
something that needs them, call every tool needed, in order, in one reply: together the calls are a
plan that a person approves before anything runs. Give each call a one-sentence "${WHY_ARGUMENT}".
To use a value from an earlier step's response, write {{steps.N.field}} (N is the step number from
1; e.g. {{steps.1.customer.email}}). In your text, tell the user briefly what you plan to do.
If no tool is needed, just answer.`;

export interface PlannerResult {
  /** The model's text: a direct answer, or what it plans to do. */
  text: string;
  steps: ProposedStep[];
  /** Why the proposed calls cannot be used as they are (unknown operation, invalid arguments…). */
  issues: ArgumentIssue[];
  usage: AiUsage;
  /** The model handed the conversation to a person (offered with `canHandOff`). */
  handoff: { reason: string } | null;
}

function parseArguments(raw: string): JsonObject | null {
  try {
    const parsed: JsonObject | null = JSON.parse(raw || "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Asks the agent's model for a plan: the tenant's operations are its tools, each tool call one
 * step, validated against the operation's schema. `ctx.model` must be set.
 */
export async function planRequest(
  deps: AiDeps,
  ctx: AgentContext,
  actions: ActionRow[],
  history: HistoryItem[],
  autoRun: (risk: ProposedStep["risk"]) => boolean,
  options: { canHandOff?: boolean } = {},
): Promise<PlannerResult> {
  const model = ctx.model;
  if (!model) throw new Error("planRequest needs a model");
  const operations = operationIndex(actions);
  const question = history.filter((h) => h.sender === "visitor").at(-1)?.text ?? "";
  const passages = await retrieve(deps, ctx.tenantId, ctx.agent.collections, question);
  const started = Date.now();
  const result = await streamChat(
    {
      model,
      apiKey: ctx.apiKey ?? "none",
      allowPrivate: deps.config.ALLOW_PRIVATE_OUTBOUND,
      timeoutMs: deps.config.AI_TIMEOUT_SECONDS * 1000,
    },
    buildMessages(`${ctx.agent.systemPrompt}${INSTRUCTIONS}`, passages, history, HISTORY_BUDGET_TOKENS),
    {
      tools: [
        ...[...operations.values()].map(({ op }) => toolFor(op)),
        ...(options.canHandOff ? [HANDOFF_TOOL] : []),
      ],
    },
  );
  const issues: ArgumentIssue[] = [];
  const steps: ProposedStep[] = [];
  const handoffCall = options.canHandOff
    ? result.toolCalls.find((c) => c.name === HANDOFF_TOOL.function.name)
    : undefined;
  const handoff = handoffCall
    ? {
        reason: String(parseArguments(handoffCall.arguments)?.reason ?? "requested by the assistant").slice(
          0,
          300,
        ),
      }
    : null;
  result.toolCalls
    .filter((call) => call !== handoffCall)
    .forEach((call, i) => {
      const index = i + 1;
      const args = parseArguments(call.arguments);
      const found = operations.get(call.name);
      if (!args || !found) {
        issues.push({
          path: `steps.${index}`,
          message: args ? `unknown operation ${call.name}` : "arguments are not a JSON object",
        });
        return;
      }
      const { [WHY_ARGUMENT]: why, ...rest } = args;
      steps.push({
        index,
        actionId: found.action.id,
        operation: found.op.name,
        method: found.op.method,
        path: found.op.path,
        arguments: rest,
        why: typeof why === "string" ? why.slice(0, 500) : "",
        risk: found.op.risk,
        onFailure: found.op.onFailure,
        autoRun: autoRun(found.op.risk),
      });
    });
  issues.push(
    ...checkSteps(
      steps.map((s) => ({ ...s, status: "pending" as const })),
      operations,
    ),
  );
  const { promptTokens, completionTokens } = result.usage;
  return {
    text: result.text.trim(),
    steps,
    issues,
    handoff,
    usage: {
      model: model.model,
      promptTokens,
      completionTokens,
      latencyMs: Date.now() - started,
      costEstimate: estimateCost(model.model, promptTokens, completionTokens),
    },
  };
}
