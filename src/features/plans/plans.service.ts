import { eq, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type AutoRunPolicy, chatPlans, type PlanActor, planSettings, type RiskLevel } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { listActions } from "../actions/actions.service";
import { loadAgent } from "../ai/agents.service";
import { roomFor } from "../conversations/room-client";
import { queryPlans } from "./plan-mirror";
import type { PlanEdit, PlanOutcome } from "./plan-types";
import { applyEdits, checkSteps, operationIndex, unknownEditSteps } from "./plan-validation";

export interface PlanDeps {
  db: Database;
  env: Env;
  tenantId: string;
}

const DEFAULT_SETTINGS = { autoRun: "none" as AutoRunPolicy, approvalTtlSeconds: 900, defaultAgentId: null };

/** The tenant's plan policy (defaults when never set). */
export async function getPlanSettings(db: Database, tenantId: string) {
  const [row] = await db.select().from(planSettings).where(eq(planSettings.tenantId, tenantId));
  return row
    ? { autoRun: row.autoRun, approvalTtlSeconds: row.approvalTtlSeconds, defaultAgentId: row.defaultAgentId }
    : DEFAULT_SETTINGS;
}

/** Changes the tenant's plan policy (the default agent must be the tenant's). */
export async function putPlanSettings(
  db: Database,
  tenantId: string,
  input: { autoRun?: AutoRunPolicy; approvalTtlSeconds?: number; defaultAgentId?: string | null },
) {
  if (input.defaultAgentId) await loadAgent(db, tenantId, input.defaultAgentId);
  await db
    .insert(planSettings)
    .values({ tenantId, ...input })
    .onConflictDoUpdate({ target: planSettings.tenantId, set: input });
  return getPlanSettings(db, tenantId);
}

const RANK: Record<RiskLevel, number> = { read: 1, write: 2, approval_required: Number.POSITIVE_INFINITY };
const ALLOWED: Record<AutoRunPolicy, number> = { none: 0, read: 1, write: 2 };

/** Whether the policy lets a step of this risk run without approval (approval_required never does). */
export const autoRuns = (policy: AutoRunPolicy) => (risk: RiskLevel) => RANK[risk] <= ALLOWED[policy];

/** One plan of the tenant, as last copied to Postgres; another tenant's is a 404. */
export async function findPlan(db: Database, tenantId: string, id: string) {
  const [plan] = await queryPlans(db, tenantId, [eq(chatPlans.id, id)], 1);
  if (!plan) throw notFound("Plan");
  return plan;
}

/** The tenant's plans matching the filters, newest first. */
export async function listPlans(db: Database, tenantId: string, filters: { where: SQL[]; limit: number }) {
  return queryPlans(db, tenantId, filters.where, filters.limit);
}

/** The room's answer as the API's: a refusal becomes the matching error. */
export function unwrap(outcome: PlanOutcome) {
  if (!outcome.ok) throw new AppError(outcome.code, outcome.message);
  return outcome;
}

/** Approves a plan in its room (which runs it once), after checking the approver's edits. */
export async function approvePlan(
  deps: PlanDeps,
  id: string,
  by: PlanActor,
  options: { edits: PlanEdit[]; authorization: string | null },
) {
  const stored = await findPlan(deps.db, deps.tenantId, id);
  const room = roomFor(deps.env, stored.conversationId);
  if (options.edits.length > 0) {
    const current = await room.plan(id);
    if (!current) throw notFound("Plan");
    if (current.status === "pending") {
      const unknown = unknownEditSteps(current.steps, options.edits);
      if (unknown.length > 0)
        throw new AppError("validation_failed", `The plan has no step ${unknown.join(", ")}`);
      const actions = current.agentId ? await listActions(deps, current.agentId) : [];
      const issues = checkSteps(applyEdits(current.steps, options.edits), operationIndex(actions));
      if (issues.length > 0) throw new AppError("validation_failed", "The edited plan is invalid", issues);
    }
  }
  return unwrap(await room.approvePlan(id, by, options));
}

/** Rejects a pending plan in its room; nothing runs. */
export async function rejectPlan(deps: PlanDeps, id: string, by: PlanActor, reason: string | null) {
  const stored = await findPlan(deps.db, deps.tenantId, id);
  return unwrap(await roomFor(deps.env, stored.conversationId).rejectPlan(id, by, reason));
}
