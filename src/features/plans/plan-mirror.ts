import { and, asc, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { chatPlanSteps, chatPlans } from "../../db/schema";
import { isoOrNull } from "../../lib/time";
import type { RecordedRequest } from "../actions/downstream";
import type { Plan, PlanStatus, PlanStep, RecordedResponse } from "./plan-types";

const date = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * Copies a plan and its steps to Postgres in one transaction. Copies carry the plan's version, so
 * an older copy arriving late never overwrites a newer one. Returns false when it was stale.
 */
export async function mirrorPlan(db: Database, plan: Plan): Promise<boolean> {
  const row = {
    id: plan.id,
    tenantId: plan.tenantId,
    conversationId: plan.conversationId,
    agentId: plan.agentId,
    sessionId: plan.sessionId,
    status: plan.status,
    request: plan.request,
    summary: plan.summary,
    requestedBy: plan.requestedBy,
    decidedBy: plan.decidedBy,
    decidedAt: date(plan.decidedAt),
    rejectionReason: plan.rejectionReason,
    edits: plan.edits,
    result: plan.result,
    expiresAt: new Date(plan.expiresAt),
    startedAt: date(plan.startedAt),
    finishedAt: date(plan.finishedAt),
    version: plan.version,
    createdAt: new Date(plan.createdAt),
    updatedAt: new Date(plan.updatedAt),
  };
  const { id: _id, tenantId: _tenant, conversationId: _conversation, createdAt: _created, ...changes } = row;
  return db.transaction(async (tx) => {
    const written = await tx
      .insert(chatPlans)
      .values(row)
      .onConflictDoUpdate({
        target: chatPlans.id,
        set: changes,
        setWhere: lt(chatPlans.version, plan.version),
      })
      .returning({ id: chatPlans.id });
    if (written.length === 0) return false;
    for (const step of plan.steps) {
      const values = {
        id: step.id,
        planId: plan.id,
        tenantId: plan.tenantId,
        index: step.index,
        actionId: step.actionId,
        operation: step.operation,
        method: step.method,
        path: step.path,
        arguments: step.arguments,
        why: step.why,
        risk: step.risk,
        onFailure: step.onFailure,
        autoRun: step.autoRun,
        status: step.status,
        request: step.request as Record<string, unknown> | null,
        response: step.response as Record<string, unknown> | null,
        error: step.error,
        startedAt: date(step.startedAt),
        finishedAt: date(step.finishedAt),
        durationMs: step.durationMs,
      };
      const { id: _stepId, planId: _plan, tenantId: _t, index: _i, ...stepChanges } = values;
      await tx
        .insert(chatPlanSteps)
        .values(values)
        .onConflictDoUpdate({ target: chatPlanSteps.id, set: stepChanges });
    }
    return true;
  });
}

type PlanRow = typeof chatPlans.$inferSelect;
type StepRow = typeof chatPlanSteps.$inferSelect;

function toStep(row: StepRow): PlanStep {
  return {
    id: row.id,
    index: row.index,
    actionId: row.actionId,
    operation: row.operation,
    method: row.method,
    path: row.path,
    arguments: row.arguments,
    why: row.why,
    risk: row.risk,
    onFailure: row.onFailure === "continue" ? "continue" : "stop",
    autoRun: row.autoRun,
    status: row.status as PlanStep["status"],
    request: row.request as RecordedRequest | null,
    response: row.response as RecordedResponse | null,
    error: row.error,
    startedAt: isoOrNull(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    durationMs: row.durationMs,
  };
}

function toPlan(row: PlanRow, steps: StepRow[]): Plan {
  return {
    ...row,
    status: row.status as PlanStatus,
    edits: row.edits as Plan["edits"],
    decidedAt: isoOrNull(row.decidedAt),
    expiresAt: row.expiresAt.toISOString(),
    startedAt: isoOrNull(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    steps: steps.filter((s) => s.planId === row.id).map(toStep),
  };
}

/** Plans of the tenant matching `where`, newest first, with their steps. */
export async function queryPlans(db: Database, tenantId: string, where: (SQL | undefined)[], limit: number) {
  const rows = await db
    .select()
    .from(chatPlans)
    .where(and(eq(chatPlans.tenantId, tenantId), ...where))
    .orderBy(desc(chatPlans.createdAt), desc(chatPlans.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const steps = await db
    .select()
    .from(chatPlanSteps)
    .where(
      inArray(
        chatPlanSteps.planId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(chatPlanSteps.index));
  return rows.map((row) => toPlan(row, steps));
}
