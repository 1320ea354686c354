import type { z } from "@hono/zod-openapi";
import type { Database } from "../../db/client";
import type { Config } from "../../env";
import type { Principal } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { hasPermission } from "../../lib/rbac";
import { providerFailure } from "../../providers/ai-chat";
import { listActions } from "../actions/actions.service";
import { type AgentContext, generateAnswer, loadAgentContext, usesModel } from "../ai/answer";
import type { HistoryItem } from "../ai/prompt";
import { monthlyBudget } from "../ai/usage";
import type { Sender, StoredMessage } from "../conversations/conversations.protocol";
import { roomFor } from "../conversations/room-client";
import { decisionIn } from "./approval-words";
import type { ChatCompletionBody } from "./chat.schemas";
import { type ChatSession, openSession, pendingPlanId, postToRoom } from "./chat-session";
import type { PlanOutcome } from "./plan-types";
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
  const room = roomFor(deps.env, session.conversationId);
  await room.recordUsage({ agentId: session.agentId, ...usage });
  await room.flushNow();
}

/** `POST /chat/completion`: answer, propose a plan, or decide the session's pending plan. */
export async function chatCompletion(deps: ChatDeps, body: Body) {
  const tenantId = deps.principal.tenantId;
  const sessionDeps = { db: deps.db, env: deps.env, tenantId };
  if (body.isApproval && !body.sessionId)
    throw new AppError("conflict", "isApproval needs the sessionId of the plan");
  const session = await openSession(sessionDeps, body);
  const lastUser =
    body.messages
      .filter((m) => m.role === "user")
      .at(-1)
      ?.content.trim() ?? "";
  const user: Sender = { kind: "visitor", id: body.customerUserId ?? body.userId };
  const meta = {
    sessionId: session.id,
    userId: body.userId,
    ...(body.customerUserId ? { customerUserId: body.customerUserId } : {}),
  };
  const actor = {
    kind: deps.principal.kind,
    id: deps.principal.id,
    userId: body.userId,
    ...(body.customerUserId ? { customerUserId: body.customerUserId } : {}),
  };
  const base = { sessionId: session.id, conversationId: session.conversationId };

  const pending = await pendingPlanId(sessionDeps, session.conversationId);
  const decision = body.isApproval ? "approve" : decisionIn(lastUser);
  if (body.isApproval && !pending)
    throw new AppError("conflict", "There is no plan waiting for approval in this session");
  if (pending && decision) {
    if (decision === "approve" && !hasPermission(deps.principal.role, "plans:approve")) {
      throw new AppError(
        "forbidden",
        `Your role (${deps.principal.role}) lacks the plans:approve permission`,
      );
    }
    if (lastUser && !body.isApproval)
      await postToRoom(deps.env, session.conversationId, user, lastUser, meta);
    const outcome =
      decision === "approve"
        ? await approvePlan(sessionDeps, pending, actor, { edits: [], authorization: deps.downstream })
        : await rejectPlan(sessionDeps, pending, actor, lastUser || null);
    return {
      ...base,
      needsApproval: false,
      plan: outcome.plan,
      reply: outcome.reply?.text ?? "",
      messageId: outcome.reply?.id ?? null,
    };
  }
  if (!lastUser) throw new AppError("validation_failed", "messages needs a user message");

  // A new session takes the chat it was given; later calls add only the new turn.
  const turns = session.created
    ? body.messages.filter((m) => m.role !== "system" && m.content.trim())
    : [{ role: "user" as const, content: lastUser }];
  for (const turn of turns) {
    const sender: Sender = turn.role === "user" ? user : { kind: "ai", id: session.agentId };
    await postToRoom(deps.env, session.conversationId, sender, turn.content, meta);
  }
  const instructions = body.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const loaded = await loadAgentContext(deps, tenantId, session.agentId);
  const ctx: AgentContext = instructions
    ? {
        ...loaded,
        agent: { ...loaded.agent, systemPrompt: `${loaded.agent.systemPrompt}\n\n${instructions}` },
      }
    : loaded;
  const stored = ((await roomFor(deps.env, session.conversationId).history({ limit: HISTORY_MESSAGES })) ??
    []) as StoredMessage[];
  const history: HistoryItem[] = stored.map((m) => ({ sender: m.sender.kind, text: m.text }));
  const actions = await listActions({ db: deps.db, tenantId }, session.agentId);

  const reply = async (text: string, metadata: Record<string, unknown> = {}) => {
    const message = await postToRoom(
      deps.env,
      session.conversationId,
      { kind: "ai", id: session.agentId },
      text,
      metadata,
    );
    return { ...base, needsApproval: false, plan: null, reply: text, messageId: message.id };
  };

  if (!usesModel(ctx) || actions.length === 0) {
    const answer = await generateAnswer(deps, ctx, history).catch((error: unknown) => {
      throw providerFailure(error);
    });
    await recordUsage(deps, session, answer.usage);
    return reply(answer.text, { mode: answer.mode, citations: answer.citations });
  }
  const { used, budget } = await monthlyBudget(deps.db, tenantId);
  if (budget !== null && used >= budget)
    throw new AppError("rate_limited", "This month's AI token budget is spent");
  const settings = await getPlanSettings(deps.db, tenantId);
  const planned = await planRequest(deps, ctx, actions, history, autoRuns(settings.autoRun)).catch(
    (error: unknown) => {
      throw providerFailure(error);
    },
  );
  await recordUsage(deps, session, planned.usage);
  if (planned.issues.length > 0) {
    const text = `${planned.text ? `${planned.text}\n\n` : ""}I could not turn that into a plan I can run. Please rephrase your request.`;
    return { ...(await reply(text, { planIssues: planned.issues })), issues: planned.issues };
  }
  if (planned.steps.length === 0) return reply(planned.text || "(no answer)");

  const room = roomFor(deps.env, session.conversationId);
  const proposed = unwrap(
    (await room.proposePlan({
      agentId: session.agentId,
      sessionId: session.id,
      request: lastUser,
      summary: planned.text,
      requestedBy: actor,
      expiresAt: Date.now() + settings.approvalTtlSeconds * 1000,
      steps: planned.steps,
    })) as PlanOutcome,
  );
  if (planned.steps.every((s) => s.autoRun)) {
    const policy = { kind: "policy" as const, id: `auto-run:${settings.autoRun}` };
    const ran = unwrap(
      (await room.approvePlan(proposed.plan.id, policy, { authorization: deps.downstream })) as PlanOutcome,
    );
    return {
      ...base,
      needsApproval: false,
      plan: ran.plan,
      reply: ran.reply?.text ?? "",
      messageId: ran.reply?.id ?? null,
    };
  }
  return {
    ...base,
    needsApproval: true,
    plan: proposed.plan,
    reply: proposed.reply?.text ?? "",
    messageId: proposed.reply?.id ?? null,
  };
}
