import type { Database } from "../../db/client";
import type { PlanActor } from "../../db/schema";
import type { Config } from "../../env";
import { AppError } from "../../lib/errors";
import { listActions } from "../actions/actions.service";
import { type AgentContext, usesModel } from "../ai/answer";
import type { HistoryItem } from "../ai/prompt";
import { monthlyBudget } from "../ai/usage";
import type { PlanOutcome, ProposeInput } from "./plan-types";
import { planRequest } from "./planner";
import { autoRuns, getPlanSettings } from "./plans.service";
import type { AiUsage } from "./verifier";

interface Proposer {
  propose(input: ProposeInput): Promise<PlanOutcome>;
  approve(id: string, by: PlanActor, options: { authorization: string | null }): Promise<PlanOutcome>;
}

/**
 * An agent answering in a conversation (widget, channel) with actions: the model may call them, and
 * the calls become a plan proposed in the room, waiting for staff (read-only steps follow the
 * tenant's auto-run policy). Null when the agent has no actions or no model: it answers as usual.
 * `text` is an answer to post when no plan came of it. No credential of the visitor's is ever
 * forwarded: the plan runs with the action's stored token.
 */
export async function planInConversation(
  deps: { db: Database; config: Config },
  plans: Proposer,
  ctx: AgentContext,
  history: HistoryItem[],
  visitor: PlanActor,
): Promise<{ text: string; usage: AiUsage | null; handoff: { reason: string } | null } | null> {
  if (!usesModel(ctx)) return null;
  const actions = await listActions({ db: deps.db, tenantId: ctx.tenantId }, ctx.agent.id);
  if (actions.length === 0) return null;
  const { used, budget } = await monthlyBudget(deps.db, ctx.tenantId);
  if (budget !== null && used >= budget)
    throw new AppError("rate_limited", "This month's AI token budget is spent");
  const settings = await getPlanSettings(deps.db, ctx.tenantId);
  const planned = await planRequest(deps, ctx, actions, history, autoRuns(settings.autoRun), {
    canHandOff: true,
  });
  const { usage, handoff } = planned;
  if (handoff) return { text: planned.text, usage, handoff };
  if (planned.issues.length > 0)
    return {
      text: `${planned.text ? `${planned.text}\n\n` : ""}I could not turn that into something I can do. Could you put it another way, or ask for a person?`,
      usage,
      handoff,
    };
  if (planned.steps.length === 0) return { text: planned.text, usage, handoff };
  const proposed = await plans.propose({
    agentId: ctx.agent.id,
    sessionId: null,
    request: history.filter((h) => h.sender === "visitor").at(-1)?.text ?? "",
    summary: planned.text,
    requestedBy: visitor,
    expiresAt: Date.now() + settings.approvalTtlSeconds * 1000,
    steps: planned.steps,
  });
  if (proposed.ok && planned.steps.every((s) => s.autoRun))
    await plans.approve(
      proposed.plan.id,
      { kind: "policy", id: `auto-run:${settings.autoRun}` },
      { authorization: null },
    );
  return { text: "", usage, handoff };
}
