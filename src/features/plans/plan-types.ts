import type { PlanActor, RiskLevel } from "../../db/schema";
import type { JsonObject } from "../../lib/json";
import type { RecordedRequest } from "../actions/downstream";

export type PlanStatus =
  | "pending"
  | "running"
  | "completed"
  | "completed_with_errors"
  | "failed"
  | "rejected"
  | "expired"
  | "superseded"
  | "interrupted";

export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped" | "dropped";

export interface RecordedResponse {
  status: number;
  contentType: string | null;
  body: string;
  truncated: boolean;
  bytes: number;
}

export interface PlanStep {
  id: string;
  /** 1-based position as proposed; kept when steps are dropped, so references stay valid. */
  index: number;
  actionId: string;
  operation: string;
  method: string;
  path: string;
  arguments: JsonObject;
  why: string;
  risk: RiskLevel;
  onFailure: "stop" | "continue";
  /** Whether the tenant's policy lets this step run without approval. */
  autoRun: boolean;
  status: StepStatus;
  request: RecordedRequest | null;
  response: RecordedResponse | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/** A change an approver makes before approving: drop a step, or replace its arguments. */
export type PlanEdit = { step: number; drop: true } | { step: number; arguments: JsonObject };

export interface Plan {
  id: string;
  tenantId: string;
  conversationId: string;
  agentId: string | null;
  sessionId: string | null;
  status: PlanStatus;
  /** What the user asked for. */
  request: string;
  /** What the planner said it would do. */
  summary: string;
  requestedBy: PlanActor;
  decidedBy: PlanActor | null;
  decidedAt: string | null;
  rejectionReason: string | null;
  edits: (PlanEdit & { by: PlanActor; at: string })[];
  /** The verifier's summary of what was done. */
  result: string | null;
  expiresAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Increases with every change; orders the copies sent to Postgres. */
  version: number;
  steps: PlanStep[];
}

/** A step as the planner proposes it (before anything ran). */
export type ProposedStep = Pick<
  PlanStep,
  | "index"
  | "actionId"
  | "operation"
  | "method"
  | "path"
  | "arguments"
  | "why"
  | "risk"
  | "onFailure"
  | "autoRun"
>;

/** What the API and the room's frames show of a plan. */
export function planView(plan: Plan) {
  const { tenantId: _tenant, ...view } = plan;
  return view;
}
export type PlanView = ReturnType<typeof planView>;

/**
 * A plan as the room's sockets see it: everything but the downstream requests and response bodies
 * (a widget visitor may be in the room); the full record is `GET /api/plans/{id}`.
 */
export function planFrame(plan: Plan) {
  return {
    ...planView(plan),
    steps: plan.steps.map(({ request: _request, response, ...step }) => ({
      ...step,
      response: response ? { status: response.status } : null,
    })),
  };
}

/** What the agent proposes: the plan's request, its steps and who asked. */
export interface ProposeInput {
  agentId: string | null;
  sessionId: string | null;
  request: string;
  summary: string;
  requestedBy: PlanActor;
  expiresAt: number;
  steps: ProposedStep[];
}

export type PlanOutcome =
  | { ok: true; plan: PlanView; reply: { id: string; text: string } | null }
  | { ok: false; code: "not_found" | "conflict" | "gone" | "forbidden"; message: string };
