import type { ActionOperation, agentActions } from "../../db/schema";
import { type ArgumentIssue, referencedSteps, validateArguments } from "../actions/operations";
import type { PlanEdit, PlanStep } from "./plan-types";

type ActionRow = typeof agentActions.$inferSelect;

export interface OperationRef {
  action: ActionRow;
  op: ActionOperation;
}

/** The agent's operations by name (names are unique per agent). */
export function operationIndex(actions: ActionRow[]): Map<string, OperationRef> {
  return new Map(
    actions.flatMap((action) => action.operations.map((op) => [op.name, { action, op }] as const)),
  );
}

type CheckedStep = Pick<PlanStep, "index" | "operation" | "arguments" | "status">;

/**
 * Checks steps against the operations' schemas and that every reference points to an earlier step
 * that still runs. Returns the problems, each with the step it belongs to.
 */
export function checkSteps(steps: CheckedStep[], operations: Map<string, OperationRef>): ArgumentIssue[] {
  const issues: ArgumentIssue[] = [];
  const live = new Set(steps.filter((s) => s.status !== "dropped").map((s) => s.index));
  for (const step of steps) {
    if (step.status === "dropped") continue;
    const where = `steps.${step.index}`;
    const found = operations.get(step.operation);
    if (!found) {
      issues.push({ path: where, message: `unknown operation ${step.operation}` });
      continue;
    }
    for (const issue of validateArguments(found.op, step.arguments, { allowReferences: true })) {
      issues.push({
        path: `${where}.arguments${issue.path ? `.${issue.path}` : ""}`,
        message: issue.message,
      });
    }
    for (const ref of referencedSteps(step.arguments)) {
      if (ref >= step.index || !live.has(ref)) {
        issues.push({
          path: `${where}.arguments`,
          message: `refers to step ${ref}, which does not run before it`,
        });
      }
    }
  }
  return issues;
}

/** Applies an approver's edits to the steps: dropped steps stay listed (status dropped), numbers never shift. */
export function applyEdits<T extends CheckedStep>(steps: T[], edits: PlanEdit[]): T[] {
  return steps.map((step) => {
    let next = step;
    for (const edit of edits.filter((e) => e.step === step.index)) {
      next = "drop" in edit ? { ...next, status: "dropped" } : { ...next, arguments: edit.arguments };
    }
    return next;
  });
}

/** Edits that name steps the plan does not have. */
export function unknownEditSteps(steps: CheckedStep[], edits: PlanEdit[]): number[] {
  const indexes = new Set(steps.map((s) => s.index));
  return edits.map((e) => e.step).filter((step) => !indexes.has(step));
}
