import type { Database } from "../../db/client";
import type { Config } from "../../env";
import { describeError, log } from "../../lib/logger";
import { streamChat } from "../../providers/ai-chat";
import { type AgentContext, usesModel } from "../ai/answer";
import { estimateCost } from "../ai/usage";
import type { Plan, PlanStep } from "./plan-types";

export interface AiDeps {
  db: Database;
  config: Config;
}

export interface AiUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costEstimate: number;
}

const RESULT_CHARS = 1500;

const INSTRUCTIONS = `You tell the user what was just done on their behalf. Use only the step results
below; never invent results. Say plainly if a step failed or was skipped, and what that means for
them. Be brief and friendly. Do not mention tools, JSON or HTTP unless it helps.`;

function stepLine(step: PlanStep): string {
  const head = `Step ${step.index}: ${step.operation} (${step.method} ${step.path}) — ${step.status}`;
  if (step.status === "dropped" || step.status === "skipped") return head;
  const status = step.response ? `, HTTP ${step.response.status}` : "";
  const error = step.error ? `\n  error: ${step.error}` : "";
  const body = step.response?.body ? `\n  response: ${step.response.body.slice(0, RESULT_CHARS)}` : "";
  return `${head}${status}${error}${body}`;
}

/** What happened, without a model: one line per step. Used when the model is unavailable. */
export function describeOutcome(plan: Plan): string {
  const done = plan.steps.filter((s) => s.status === "succeeded").length;
  const ran = plan.steps.filter((s) => s.status !== "dropped").length;
  const lines = plan.steps.map(
    (s) => `${s.index}. ${s.operation}: ${s.status}${s.error ? ` (${s.error})` : ""}`,
  );
  const headline =
    plan.status === "completed"
      ? `Done: all ${ran} step${ran === 1 ? "" : "s"} succeeded.`
      : `${done} of ${ran} step${ran === 1 ? "" : "s"} succeeded; the plan ${plan.status === "failed" ? "stopped at a failure" : "finished with errors"}.`;
  return `${headline}\n${lines.join("\n")}`;
}

/** The verifier: the agent's model summarises the executed plan for the user (falls back to a plain outcome). */
export async function summarisePlan(
  deps: AiDeps,
  ctx: AgentContext,
  plan: Plan,
): Promise<{ text: string; usage: AiUsage | null }> {
  if (!usesModel(ctx) || !ctx.model) return { text: describeOutcome(plan), usage: null };
  const started = Date.now();
  try {
    const result = await streamChat(
      {
        model: ctx.model,
        apiKey: ctx.apiKey ?? "none",
        allowPrivate: deps.config.ALLOW_PRIVATE_OUTBOUND,
        timeoutMs: deps.config.AI_TIMEOUT_SECONDS * 1000,
      },
      [
        { role: "system", content: INSTRUCTIONS },
        {
          role: "user",
          content: `The user asked: ${plan.request}\n\nPlan outcome: ${plan.status}\n\n${plan.steps.map(stepLine).join("\n\n")}`,
        },
      ],
      {},
    );
    const { promptTokens, completionTokens } = result.usage;
    return {
      text: result.text.trim() || describeOutcome(plan),
      usage: {
        model: ctx.model.model,
        promptTokens,
        completionTokens,
        latencyMs: Date.now() - started,
        costEstimate: estimateCost(ctx.model.model, promptTokens, completionTokens),
      },
    };
  } catch (error) {
    log("warn", "plan verifier failed; using the plain outcome", {
      planId: plan.id,
      ...describeError(error),
    });
    return { text: describeOutcome(plan), usage: null };
  }
}
