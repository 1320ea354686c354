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
import type { RoomPost, Sender } from "../conversations/conversations.protocol";
import { roomFor } from "../conversations/room-client";
import { decisionIn } from "./approval-words";
import type { ChatCompletionBody } from "./chat.schemas";
import { type ChatSession, openSession, postToRoom } from "./chat-session";
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
  if (!body.isApproval && !turn.lastUser)
    throw new AppError("validation_failed", "messages needs a user message");
  // One room call posts the turn and answers the pending plan and the history.
  const room = await roomFor(deps.env, turn.session.conversationId).chatTurn(
    body.isApproval ? [] : turnPosts(turn, body),
    HISTORY_MESSAGES,
  );
  if (!room.ok) throw new AppError(room.code, room.message);
  const decision = body.isApproval ? "approve" : decisionIn(turn.lastUser);
  if (body.isApproval && !room.pendingPlanId)
    throw new AppError("conflict", "There is no plan waiting for approval in this session");
  if (room.pendingPlanId && decision) return decide(deps, turn, room.pendingPlanId, decision);
  const ctx = await agentWith(deps, turn, body);
  // The room leaves private notes out of this history.
  const history: HistoryItem[] = room.history.map((m) => ({ sender: m.sender.kind, text: m.text }));
  const actions = await listActions(
    { db: deps.db, tenantId: turn.sessionDeps.tenantId },
    turn.session.agentId,
  );
  if (!usesModel(ctx) || actions.length === 0) {
    const answer = await generateAnswer(deps, ctx, history).catch((error: unknown) => {
      throw providerFailure(error);
    });
    return reply(deps, turn, answer.text, { mode: answer.mode, citations: answer.citations }, answer.usage);
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
async function decide(deps: ChatDeps, turn: Turn, pending: string, decision: "approve" | "reject") {
  if (decision === "approve" && !hasPermission(deps.principal.role, "plans:approve")) {
    throw new AppError("forbidden", `Your role (${deps.principal.role}) lacks the plans:approve permission`);
  }
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

/** The call's turns for the conversation: a new session takes the chat it was given, later calls the new turn. */
function turnPosts(turn: Turn, body: Body): { sender: Sender; post: RoomPost }[] {
  const turns = turn.session.created
    ? body.messages.filter((m) => m.role !== "system" && m.content.trim())
    : [{ role: "user" as const, content: turn.lastUser }];
  return turns.map((t) => ({
    sender: t.role === "user" ? turn.user : { kind: "ai", id: turn.session.agentId },
    post: { text: t.content, metadata: turn.meta },
  }));
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

/** Posts the agent's answer (with the model call that wrote it) and returns it as the call's result. */
async function reply(deps: ChatDeps, turn: Turn, text: string, metadata: JsonObject, usage: AiUsage | null) {
  const sender: Sender = { kind: "ai", id: turn.session.agentId };
  const usageRecord = usage ? { agentId: turn.session.agentId, ...usage } : undefined;
  const message = await postToRoom(deps.env, turn.session.conversationId, sender, {
    text,
    metadata,
    ...(usageRecord ? { usage: usageRecord } : {}),
  });
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
  if (planned.issues.length > 0) {
    const text = `${planned.text ? `${planned.text}\n\n` : ""}I could not turn that into a plan I can run. Please rephrase your request.`;
    const shown = await reply(deps, turn, text, { planIssues: planned.issues }, planned.usage);
    return { ...shown, issues: planned.issues };
  }
  if (planned.steps.length === 0) return reply(deps, turn, planned.text || "(no answer)", {}, planned.usage);

  const room = roomFor(deps.env, turn.session.conversationId);
  if (planned.usage) await room.recordUsage({ agentId: turn.session.agentId, ...planned.usage }, true);
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
