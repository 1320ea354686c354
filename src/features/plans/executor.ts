import type { ActionOperation, agentActions } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { describeError, log } from "../../lib/logger";
import { OutboundError } from "../../providers/outbound";
import { callDownstream } from "../actions/downstream";
import { validateArguments } from "../actions/operations";
import type { Plan, PlanStatus, PlanStep } from "./plan-types";
import type { OperationRef } from "./plan-validation";
import { resolveReferences, UnresolvedReference } from "./references";

type ActionRow = typeof agentActions.$inferSelect;

export interface Credential {
  value: string | null;
  source: "caller" | "stored" | "none";
}

export interface ExecutorDeps {
  /** The agent's operations as they are now (an action deleted since the proposal fails its steps). */
  operations: Map<string, OperationRef>;
  credential(action: ActionRow): Promise<Credential>;
  allowPrivate: boolean;
  /** Called after each change of a step, with the plan as it stands. */
  progress(plan: Plan): Promise<void>;
}

/** Fills the path template and splits arguments into query and body. */
export function requestParts(op: ActionOperation, args: Record<string, unknown>) {
  const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(text(args[name])));
  const query: Record<string, string> = {};
  for (const param of op.parameters.filter((p) => p.in === "query")) {
    if (args[param.name] !== undefined) query[param.name] = text(args[param.name]);
  }
  return { path, query, body: op.body ? args.body : undefined };
}

async function runStep(step: PlanStep, results: Map<number, unknown>, deps: ExecutorDeps): Promise<PlanStep> {
  const found = deps.operations.get(step.operation);
  if (
    !found ||
    found.action.id !== step.actionId ||
    found.op.method !== step.method ||
    found.op.path !== step.path
  ) {
    return { ...step, status: "failed", error: "The operation no longer exists as proposed" };
  }
  const args = resolveReferences(step.arguments, results) as Record<string, unknown>;
  const issues = validateArguments(found.op, args, { allowReferences: false });
  if (issues.length > 0) {
    return {
      ...step,
      status: "failed",
      error: `Invalid arguments: ${issues.map((i) => `${i.path || "arguments"}: ${i.message}`).join("; ")}`,
    };
  }
  const credential = await deps.credential(found.action);
  const result = await callDownstream({
    baseUrl: found.action.baseUrl,
    method: found.op.method,
    ...requestParts(found.op, args),
    authorization: credential.value,
    authorizationSource: credential.source,
    timeoutMs: found.action.timeoutSeconds * 1000,
    allowPrivate: deps.allowPrivate,
  });
  results.set(step.index, result.data);
  return {
    ...step,
    status: result.ok ? "succeeded" : "failed",
    request: result.request,
    response: result.recorded,
    error: result.ok ? null : `The API answered HTTP ${result.status}`,
  };
}

/**
 * Runs the plan's steps in order. Each step's response can feed later steps' arguments. A failed
 * step stops the plan unless its operation says continue; the steps after a stop are skipped.
 */
export async function executePlan(plan: Plan, deps: ExecutorDeps): Promise<Plan> {
  let current: Plan = { ...plan, status: "running", startedAt: plan.startedAt ?? new Date().toISOString() };
  const results = new Map<number, unknown>();
  let stopped = false;
  let failures = 0;
  const update = async (index: number, step: PlanStep) => {
    current = { ...current, steps: current.steps.map((s) => (s.index === index ? step : s)) };
    await deps.progress(current);
  };
  for (const step of plan.steps) {
    if (step.status === "dropped") continue;
    if (stopped) {
      await update(step.index, { ...step, status: "skipped" });
      continue;
    }
    const started = Date.now();
    await update(step.index, { ...step, status: "running", startedAt: new Date(started).toISOString() });
    let done: PlanStep;
    try {
      done = await runStep({ ...step, startedAt: new Date(started).toISOString() }, results, deps);
    } catch (error) {
      const known =
        error instanceof OutboundError || error instanceof AppError || error instanceof UnresolvedReference;
      if (!known)
        log("warn", "plan step crashed", { planId: plan.id, step: step.index, ...describeError(error) });
      done = {
        ...step,
        status: "failed",
        error: known ? (error as Error).message : "The step could not be run",
      };
    }
    const finished = Date.now();
    done = {
      ...done,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
    };
    if (done.status === "failed") {
      failures++;
      if (step.onFailure === "stop") stopped = true;
    }
    await update(step.index, done);
  }
  const status: PlanStatus = stopped ? "failed" : failures > 0 ? "completed_with_errors" : "completed";
  return { ...current, status, finishedAt: new Date().toISOString() };
}
