import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type PlanActor, users } from "../../db/schema";
import type { Config } from "../../env";
import { uuidv7 } from "../../lib/ids";
import type { JsonObject } from "../../lib/json";
import { describeError, log } from "../../lib/logger";
import { hasPermission } from "../../lib/rbac";
import { listActions, storedAuthorization } from "../actions/actions.service";
import { type AgentContext, loadAgentContext } from "../ai/answer";
import type { HistoryItem } from "../ai/prompt";
import type { AnalyticsFact } from "../analytics/analytics-events";
import type {
  AiUsageRecord,
  ClientFrame,
  PlanEvent,
  Sender,
  ServerFrame,
} from "../conversations/conversations.protocol";
import type { InboxEvent } from "../inbox/inbox.protocol";
import { planInConversation } from "./conversation-planner";
import { executePlan } from "./executor";
import { mirrorPlan } from "./plan-mirror";
import { crashedText, expiredText, interruptedText, proposalText, rejectedText } from "./plan-text";
import type { Plan, PlanEdit, PlanOutcome, PlanStatus, PlanStep, ProposeInput } from "./plan-types";

export type { PlanOutcome, ProposeInput };

/** What an approver may add: edits to the steps, and the caller's token for the tenant's API. */
export interface ApproveOptions {
  edits?: PlanEdit[];
  authorization?: string | null;
}

import { planFrame, planView } from "./plan-types";
import { applyEdits, operationIndex } from "./plan-validation";
import { PlanStore } from "./room-plan-store";
import { describeOutcome, summarisePlan } from "./verifier";

/** What plans need from their room. */
export interface PlanPort {
  /** Which conversation (null: the room holds none). */
  meta(): { conversationId: string; tenantId: string } | null;
  config(): Config;
  /** The room's Postgres handle (kept while the object lives). */
  database(): Database;
  broadcast(frame: ServerFrame): void;
  send(ws: WebSocket, frame: ServerFrame): void;
  append(sender: Sender, text: string, metadata: JsonObject): Promise<{ id: string; seq: number } | null>;
  armAlarm(): Promise<void>;
  /** Records a model call (the verifier's) in the room's outbox. */
  recordUsage(usage: AiUsageRecord): void;
  /** Queues an analytics fact in the room's outbox (docs/analytics-events.md). */
  record(fact: AnalyticsFact): void;
  /** Tells the staff inbox (a plan waiting for approval, and how it ended). */
  notify(event: InboxEvent): void;
}

const SYSTEM: Sender = { kind: "system", id: "switchboard" };
const MIRROR_RETRY_MS = 5_000;
// A plan is announced once its Postgres copy is written (REST finds plans there, so a client that
// acts on the announcement finds the plan), but never later than this when Postgres is slow.
const ANNOUNCE_WAIT_MS = 2_000;
const iso = (ms: number) => new Date(ms).toISOString();
const fail = (code: "not_found" | "conflict" | "gone" | "forbidden", message: string): PlanOutcome => ({
  ok: false,
  code,
  message,
});
const skipPending = (steps: PlanStep[]) =>
  steps.map((s) => (s.status === "pending" ? { ...s, status: "skipped" as const } : s));

/**
 * The room's plans: the pending one waits here (SQLite, with an expiry the room's alarm enforces),
 * approval is decided here exactly once, and the approved plan runs here. Every change is broadcast
 * and copied to Postgres (retried by the alarm when Postgres is down).
 */
export class RoomPlans {
  private readonly store: PlanStore;

  constructor(
    sql: SqlStorage,
    private readonly port: PlanPort,
  ) {
    this.store = new PlanStore(sql);
  }

  get(id: string): Plan | null {
    return this.store.get(id);
  }

  /** The newest plan waiting for approval (a new proposal supersedes older ones). */
  pendingId(): string | null {
    return this.store.find("status = 'pending'").at(-1)?.id ?? null;
  }

  private write(plan: Plan): Plan {
    return this.store.write(plan);
  }

  private async publish(plan: Plan, event: PlanEvent): Promise<void> {
    const copied = this.mirror(plan);
    let waited: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([copied, new Promise((resolve) => (waited = setTimeout(resolve, ANNOUNCE_WAIT_MS)))]);
    clearTimeout(waited);
    this.port.broadcast({ type: "plan", event, plan: planFrame(plan) });
    const fact = planFact(plan, event);
    if (fact) this.port.record(fact);
    const view = planView(plan);
    if (event === "proposed" && plan.steps.some((s) => !s.autoRun))
      this.port.notify({ type: "plan.pending", conversationId: plan.conversationId, plan: view });
    else if (event !== "proposed" && event !== "approved" && event !== "step")
      this.port.notify({ type: "plan.finished", conversationId: plan.conversationId, plan: view });
    await copied;
  }

  /** The agent's reply in a conversation, as a plan when it calls its actions (conversation-planner.ts). */
  fromConversation(ctx: AgentContext, history: HistoryItem[], visitor: PlanActor) {
    return planInConversation(
      { db: this.port.database(), config: this.port.config() },
      this,
      ctx,
      history,
      visitor,
    );
  }

  private async mirror(plan: Plan): Promise<void> {
    try {
      await mirrorPlan(this.port.database(), plan);
      this.store.mirrored(plan.id, plan.version);
    } catch (error) {
      log("warn", "plan copy to Postgres failed; will retry", { planId: plan.id, ...describeError(error) });
      this.store.retryMirrorAt(plan.id, Date.now() + MIRROR_RETRY_MS);
      await this.port.armAlarm();
    }
  }

  /** Stores a new plan (superseding any pending one), shows it in the conversation and arms its expiry. */
  async propose(input: ProposeInput): Promise<PlanOutcome> {
    const meta = this.port.meta();
    if (!meta) return fail("not_found", "Conversation not found");
    for (const old of this.store.find("status = 'pending'")) {
      const superseded = { ...old, status: "superseded" as const, finishedAt: iso(Date.now()) };
      await this.publish(this.write({ ...superseded, steps: skipPending(old.steps) }), "superseded");
    }
    const now = Date.now();
    const plan = this.write({
      id: uuidv7(now),
      tenantId: meta.tenantId,
      conversationId: meta.conversationId,
      agentId: input.agentId,
      sessionId: input.sessionId,
      status: "pending",
      request: input.request,
      summary: input.summary,
      requestedBy: input.requestedBy,
      decidedBy: null,
      decidedAt: null,
      rejectionReason: null,
      edits: [],
      result: null,
      expiresAt: iso(input.expiresAt),
      startedAt: null,
      finishedAt: null,
      createdAt: iso(now),
      updatedAt: iso(now),
      version: 0,
      steps: input.steps.map((s) => ({
        ...s,
        id: uuidv7(now),
        status: "pending",
        request: null,
        response: null,
        error: null,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
      })),
    });
    const message = await this.port.append(
      { kind: "ai", id: input.agentId ?? "assistant" },
      proposalText(plan),
      { planId: plan.id, plan: "proposed" },
    );
    await this.publish(plan, "proposed");
    await this.port.armAlarm();
    return {
      ok: true,
      plan: planView(plan),
      reply: message ? { id: message.id, text: proposalText(plan) } : null,
    };
  }

  /** Approves a pending plan (once: a second approval is a conflict) and runs it. */
  async approve(id: string, by: PlanActor, options: ApproveOptions): Promise<PlanOutcome> {
    const plan = this.get(id);
    if (!plan) return fail("not_found", "Plan not found");
    if (plan.status === "expired") return fail("gone", "This plan expired before it was approved");
    if (plan.status !== "pending")
      return fail("conflict", `This plan is ${plan.status}; a plan is decided and run only once`);
    if (Date.parse(plan.expiresAt) <= Date.now()) {
      await this.expire(plan);
      return fail("gone", "This plan expired before it was approved");
    }
    const now = iso(Date.now());
    const edits = (options.edits ?? []).map((edit) => ({ ...edit, by, at: now }));
    const running = this.write({
      ...plan,
      status: "running",
      decidedBy: by,
      decidedAt: now,
      startedAt: now,
      edits,
      steps: applyEdits(plan.steps, options.edits ?? []),
    });
    await this.publish(running, "approved");
    return this.run(running, options.authorization ?? null);
  }

  private async run(plan: Plan, authorization: string | null): Promise<PlanOutcome> {
    const config = this.port.config();
    const db = this.port.database();
    try {
      const actions = plan.agentId ? await listActions({ db, tenantId: plan.tenantId }, plan.agentId) : [];
      const executed = await executePlan(plan, {
        operations: operationIndex(actions),
        allowPrivate: config.ALLOW_PRIVATE_OUTBOUND,
        credential: async (action) => {
          if (authorization) return { value: authorization, source: "caller" };
          const stored = await storedAuthorization(action, config.ENCRYPTION_KEY);
          return { value: stored, source: stored ? "stored" : "none" };
        },
        progress: (current) => this.publish(this.write(current), "step"),
      });
      const ctx = plan.agentId
        ? await loadAgentContext({ db, config }, plan.tenantId, plan.agentId).catch(() => null)
        : null;
      const summary = ctx
        ? await summarisePlan({ db, config }, ctx, executed)
        : { text: describeOutcome(executed), usage: null };
      if (summary.usage) this.port.recordUsage({ agentId: plan.agentId, ...summary.usage });
      return this.finish({ ...executed, result: summary.text }, executed.status, summary.text, {
        kind: "ai",
        id: plan.agentId ?? "assistant",
      });
    } catch (error) {
      log("error", "plan run failed", { planId: plan.id, ...describeError(error) });
      const current = this.get(plan.id) ?? plan;
      return this.finish(
        { ...current, result: crashedText, finishedAt: iso(Date.now()), steps: skipPending(current.steps) },
        "failed",
        crashedText,
        SYSTEM,
      );
    }
  }

  /** Ends a plan: final status, the message that tells the conversation, the broadcast and the copy. */
  private async finish(plan: Plan, status: PlanStatus, text: string, sender: Sender): Promise<PlanOutcome> {
    const done = this.write({ ...plan, status, finishedAt: plan.finishedAt ?? iso(Date.now()) });
    const message = await this.port.append(sender, text, { planId: done.id, planStatus: status });
    await this.publish(done, status as PlanEvent);
    return { ok: true, plan: planView(done), reply: message ? { id: message.id, text } : null };
  }

  /** Rejects (cancels) a pending plan; nothing runs. */
  async reject(id: string, by: PlanActor, reason: string | null): Promise<PlanOutcome> {
    const plan = this.get(id);
    if (!plan) return fail("not_found", "Plan not found");
    if (plan.status === "expired") return fail("gone", "This plan already expired");
    if (plan.status !== "pending")
      return fail("conflict", `This plan is ${plan.status}; only a pending plan can be rejected`);
    if (Date.parse(plan.expiresAt) <= Date.now()) {
      await this.expire(plan);
      return fail("gone", "This plan already expired");
    }
    const decided = {
      ...plan,
      decidedBy: by,
      decidedAt: iso(Date.now()),
      rejectionReason: reason,
      steps: skipPending(plan.steps),
    };
    return this.finish(decided, "rejected", rejectedText(reason), SYSTEM);
  }

  private async expire(plan: Plan): Promise<void> {
    await this.finish({ ...plan, steps: skipPending(plan.steps) }, "expired", expiredText, SYSTEM);
  }

  /** The WebSocket's approve/reject frames: staff with approval rights decide; a visitor may cancel. */
  async onFrame(
    ws: WebSocket,
    participant: Sender,
    frame: Extract<ClientFrame, { type: "approve" | "reject" }>,
  ): Promise<void> {
    const mayDecide =
      participant.kind === "staff"
        ? await this.mayApprove(participant.id)
        : frame.type === "reject" && participant.kind === "visitor";
    if (!mayDecide) {
      return this.port.send(ws, {
        type: "error",
        code: "forbidden",
        message: `You may not ${frame.type} plans`,
      });
    }
    const by: PlanActor = { kind: participant.kind === "staff" ? "staff" : "visitor", id: participant.id };
    const outcome =
      frame.type === "approve"
        ? await this.approve(frame.planId, by, {})
        : await this.reject(frame.planId, by, frame.reason ?? null);
    if (!outcome.ok) this.port.send(ws, { type: "error", code: outcome.code, message: outcome.message });
  }

  private async mayApprove(userId: string): Promise<boolean> {
    const meta = this.port.meta();
    if (!meta) return false;
    const [user] = await this.port
      .database()
      .select({ role: users.role })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.tenantId, meta.tenantId), eq(users.status, "active")));
    return user ? hasPermission(user.role, "plans:approve") : false;
  }

  /** Shows a (re)connecting socket the plan waiting for approval. */
  replayPending(ws: WebSocket): void {
    for (const plan of this.store.find("status = 'pending'")) {
      this.port.send(ws, { type: "plan", event: "proposed", plan: planFrame(plan) });
    }
  }

  /** The earliest time the alarm must wake for plans: a pending plan's expiry or a copy to retry. */
  nextDeadline(): number | null {
    return this.store.nextDeadline();
  }

  /** Alarm work: expires plans past their deadline, retries copies to Postgres. */
  async onAlarm(): Promise<void> {
    const now = Date.now();
    for (const plan of this.store.find("status = 'pending' AND expires_at <= ?", now))
      await this.expire(plan);
    for (const plan of this.store.find("mirror_retry_at IS NOT NULL AND mirror_retry_at <= ?", now)) {
      await this.mirror(plan);
    }
  }

  /** A plan left `running` means the object restarted mid-run: say so, keep what was recorded. */
  async repairInterrupted(): Promise<void> {
    for (const plan of this.store.find("status = 'running'")) {
      const steps = plan.steps.map((s) =>
        s.status === "running" ? { ...s, status: "failed" as const, error: "interrupted by a restart" } : s,
      );
      await this.finish(
        { ...plan, result: interruptedText, steps: skipPending(steps) },
        "interrupted",
        interruptedText,
        SYSTEM,
      );
    }
  }
}

const EXECUTED: readonly PlanEvent[] = ["completed", "completed_with_errors", "failed", "interrupted"];

/** The analytics fact of a plan's event: proposed, approved, rejected, or executed (however it ended). */
function planFact(plan: Plan, event: PlanEvent): AnalyticsFact | null {
  const name =
    event === "proposed" || event === "approved" || event === "rejected"
      ? (`plan_${event}` as const)
      : EXECUTED.includes(event)
        ? "plan_executed"
        : null;
  if (!name) return null;
  const by = plan.decidedBy;
  const decided = name === "plan_approved" || name === "plan_rejected";
  const steps = plan.steps.length;
  const failedSteps = plan.steps.filter((s) => s.status === "failed").length;
  return {
    key: `c:${plan.conversationId}:${name}:${plan.id}`,
    name,
    actor:
      decided && by?.kind !== "policy" && by?.kind !== "system"
        ? "human"
        : name === "plan_proposed"
          ? "ai"
          : "system",
    at: Date.now(),
    agentId: plan.agentId,
    userId: decided && (by?.kind === "staff" || by?.kind === "user") ? (by.userId ?? by.id) : null,
    dims:
      name === "plan_executed"
        ? { status: event, steps, failedSteps }
        : decided
          ? { by: by?.kind ?? null }
          : { steps },
  };
}
