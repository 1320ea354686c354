import type { z } from "@hono/zod-openapi";
import type { Database } from "../../db/client";
import type { PlanActor } from "../../db/schema";
import type { Config } from "../../env";
import type { Principal } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import type { JsonObject } from "../../lib/json";
import { hasPermission } from "../../lib/rbac";
import { providerFailure } from "../../providers/ai-chat";
import { listActions } from "../actions/actions.service";
import { type AgentContext, generateAnswer, loadAgentContext, usesModel } from "../ai/answer";
import type { HistoryItem } from "../ai/prompt";
import { monthlyBudget } from "../ai/usage";
import { isCustomerVisible, type Sender } from "../conversations/conversations.protocol";
import { roomFor } from "../conversations/room-client";
import { decisionIn } from "./approval-words";
import type { ChatCompletionBody } from "./chat.schemas";
import { type ChatSession, openSession, pendingPlanId, postToRoom } from "./chat-session";
import { planRequest } from "./planner";
import { approvePlan, autoRuns, getPlanSettings, rejectPlan, unwrap } from "./plans.service";
import type { AiUsage } from "./verifier";

export interface ChatDeps {
  db: Database;
  config: Config;
  env: Env;
  principal: Principal;
  /** The caller's token for the tenant's API, forwarded when a plan runs (null: stored token). */
  downstream: string | null;
}

type Body = z.infer<typeof ChatCompletionBody>;

const HISTORY_MESSAGES = 50;

/** The session's room records the call (the one writer of AI usage); Postgres has it before the answer. */
async function recordUsage(deps: ChatDeps, session: ChatSession, usage: AiUsage | null) {
  if (!usage) return;
  await roomFor(deps.env, session.conversationId).recordUsage({ agentId: session.agentId, ...usage }, true);
}

/** One `/chat/completion` call: its session, the caller as a sender and as a plan actor, the new user turn. */
interface Turn {
  session: ChatSession;
  sessionDeps: { db: Database; env: Env; tenantId: string };
  lastUser: string;
  user: Sender;
  meta: JsonObject;
  actor: PlanActor;
  base: { sessionId: string; conversationId: string };
}

/** `POST /chat/completion`: answer, propose a plan, or decide the session's pending plan. */
export async function chatCompletion(deps: ChatDeps, body: Body) {
  if (body.isApproval && !body.sessionId)
    throw new AppError("conflict", "isApproval needs the sessionId of the plan");
  const turn = await openTurn(deps, body);
  const pending = await pendingPlanId(turn.sessionDeps, turn.session.conversationId);
  const decision = body.isApproval ? "approve" : decisionIn(turn.lastUser);
  if (body.isApproval && !pending)
    throw new AppError("conflict", "There is no plan waiting for approval in this session");
  if (pending && decision) return decide(deps, turn, pending, decision, body.isApproval);
  if (!turn.lastUser) throw new AppError("validation_failed", "messages needs a user message");
  await recordTurns(deps, turn, body);
  const ctx = await agentWith(deps, turn, body);
  const stored =
    (await roomFor(deps.env, turn.session.conversationId).history({ limit: HISTORY_MESSAGES })) ?? [];
  const history: HistoryItem[] = stored
    .filter(isCustomerVisible)
    .map((m) => ({ sender: m.sender.kind, text: m.text }));
  const actions = await listActions(
    { db: deps.db, tenantId: turn.sessionDeps.tenantId },
    turn.session.agentId,
  );
  if (!usesModel(ctx) || actions.length === 0) {
    const answer = await generateAnswer(deps, ctx, history).catch((error: unknown) => {
      throw providerFailure(error);
    });
    await recordUsage(deps, turn.session, answer.usage);
    return reply(deps, turn, answer.text, { mode: answer.mode, citations: answer.citations });
  }
  return plan(deps, turn, ctx, history, actions);
}

/** The session (opened or resumed) and who is speaking in it. */
async function openTurn(deps: ChatDeps, body: Body): Promise<Turn> {
  const sessionDeps = { db: deps.db, env: deps.env, tenantId: deps.principal.tenantId };
  const session = await openSession(sessionDeps, body);
  const lastUser =
    body.messages
      .filter((m) => m.role === "user")
      .at(-1)
      ?.content.trim() ?? "";
  const ids = {
    userId: body.userId,
    ...(body.customerUserId ? { customerUserId: body.customerUserId } : {}),
  };
  return {
    session,
    sessionDeps,
    lastUser,
    user: { kind: "visitor", id: body.customerUserId ?? body.userId },
    meta: { sessionId: session.id, ...ids },
    actor: { kind: deps.principal.kind, id: deps.principal.id, ...ids },
    base: { sessionId: session.id, conversationId: session.conversationId },
  };
}

/** Approves or rejects the session's pending plan, as the user's turn asked. */
async function decide(
  deps: ChatDeps,
  turn: Turn,
  pending: string,
  decision: "approve" | "reject",
  isApproval: boolean | undefined,
) {
  if (decision === "approve" && !hasPermission(deps.principal.role, "plans:approve")) {
    throw new AppError("forbidden", `Your role (${deps.principal.role}) lacks the plans:approve permission`);
  }
  if (turn.lastUser && !isApproval)
    await postToRoom(deps.env, turn.session.conversationId, turn.user, turn.lastUser, turn.meta);
  const outcome =
    decision === "approve"
      ? await approvePlan(turn.sessionDeps, pending, turn.actor, {
          edits: [],
          authorization: deps.downstream,
        })
      : await rejectPlan(turn.sessionDeps, pending, turn.actor, turn.lastUser || null);
  return {
    ...turn.base,
    needsApproval: false,
    plan: outcome.plan,
    reply: outcome.reply?.text ?? "",
    messageId: outcome.reply?.id ?? null,
  };
}

/** Adds the call's turns to the conversation: a new session takes the chat it was given, later calls the new turn. */
async function recordTurns(deps: ChatDeps, turn: Turn, body: Body) {
  const turns = turn.session.created
    ? body.messages.filter((m) => m.role !== "system" && m.content.trim())
    : [{ role: "user" as const, content: turn.lastUser }];
  for (const t of turns) {
    const sender: Sender = t.role === "user" ? turn.user : { kind: "ai", id: turn.session.agentId };
    await postToRoom(deps.env, turn.session.conversationId, sender, t.content, turn.meta);
  }
}

/** The session's agent, with the call's system messages added to its prompt. */
async function agentWith(deps: ChatDeps, turn: Turn, body: Body): Promise<AgentContext> {
  const instructions = body.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const loaded = await loadAgentContext(deps, turn.sessionDeps.tenantId, turn.session.agentId);
  if (!instructions) return loaded;
  return {
    ...loaded,
    agent: { ...loaded.agent, systemPrompt: `${loaded.agent.systemPrompt}\n\n${instructions}` },
  };
}

/** Posts the agent's answer to the conversation and returns it as the call's result. */
async function reply(deps: ChatDeps, turn: Turn, text: string, metadata: JsonObject = {}) {
  const sender: Sender = { kind: "ai", id: turn.session.agentId };
  const message = await postToRoom(deps.env, turn.session.conversationId, sender, text, metadata);
  return { ...turn.base, needsApproval: false, plan: null, reply: text, messageId: message.id };
}

/** Asks the model for a plan over the agent's actions; proposes it, and runs it at once if policy allows. */
async function plan(
  deps: ChatDeps,
  turn: Turn,
  ctx: AgentContext,
  history: HistoryItem[],
  actions: Awaited<ReturnType<typeof listActions>>,
) {
  const { tenantId } = turn.sessionDeps;
  const { used, budget } = await monthlyBudget(deps.db, tenantId);
  if (budget !== null && used >= budget)
    throw new AppError("rate_limited", "This month's AI token budget is spent");
  const settings = await getPlanSettings(deps.db, tenantId);
  const planned = await planRequest(deps, ctx, actions, history, autoRuns(settings.autoRun)).catch(
    (error: unknown) => {
      throw providerFailure(error);
    },
  );
  await recordUsage(deps, turn.session, planned.usage);
  if (planned.issues.length > 0) {
    const text = `${planned.text ? `${planned.text}\n\n` : ""}I could not turn that into a plan I can run. Please rephrase your request.`;
    return { ...(await reply(deps, turn, text, { planIssues: planned.issues })), issues: planned.issues };
  }
  if (planned.steps.length === 0) return reply(deps, turn, planned.text || "(no answer)");

  const room = roomFor(deps.env, turn.session.conversationId);
  const proposed = unwrap(
    await room.proposePlan({
      agentId: turn.session.agentId,
      sessionId: turn.session.id,
      request: turn.lastUser,
      summary: planned.text,
      requestedBy: turn.actor,
      expiresAt: Date.now() + settings.approvalTtlSeconds * 1000,
      steps: planned.steps,
    }),
  );
  const outcome = planned.steps.every((s) => s.autoRun)
    ? unwrap(
        await room.approvePlan(
          proposed.plan.id,
          { kind: "policy", id: `auto-run:${settings.autoRun}` },
          { authorization: deps.downstream },
        ),
      )
    : null;
  const shown = outcome ?? proposed;
  return {
    ...turn.base,
    needsApproval: outcome === null,
    plan: shown.plan,
    reply: shown.reply?.text ?? "",
    messageId: shown.reply?.id ?? null,
  };
}
