import { z } from "zod";
import type { ActionOperation } from "../../db/schema";
import type { ToolDefinition } from "../../providers/ai-chat";

/** The argument that carries the planner's reason for a step; never sent downstream. */
export const WHY_ARGUMENT = "_why";

/** A reference to an earlier step's response, e.g. `{{steps.1.customer.email}}`. */
export const REFERENCE = /\{\{\s*steps\.(\d+)((?:\.[\w-]+)*)\s*\}\}/g;

/** Whether a value is text with a step reference in it. */
export const containsReference = (value: unknown) =>
  typeof value === "string" && new RegExp(REFERENCE.source).test(value);

/** The JSON Schema of an operation's arguments: one property per parameter, `body` for the JSON body. */
export function argumentsSchema(op: ActionOperation): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const param of op.parameters) {
    properties[param.name] = param.description
      ? { description: param.description, ...param.schema }
      : param.schema;
    if (param.required || param.in === "path") required.push(param.name);
  }
  if (op.body) {
    properties.body = op.body;
    required.push("body");
  }
  return { type: "object", properties, required, additionalProperties: false };
}

/** The function tool the planner model sees for an operation. */
export function toolFor(op: ActionOperation): ToolDefinition {
  const schema = argumentsSchema(op);
  const properties = schema.properties as Record<string, unknown>;
  return {
    type: "function",
    function: {
      name: op.name,
      description: `${op.description || op.name} (${op.method} ${op.path}; risk: ${op.risk})`.slice(0, 1000),
      parameters: {
        ...schema,
        properties: {
          ...properties,
          [WHY_ARGUMENT]: { type: "string", description: "Why this step is needed, in one sentence" },
        },
      },
    },
  };
}

export interface ArgumentIssue {
  path: string;
  message: string;
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Checks arguments against the operation's schema. With `allowReferences`, a value that refers to
 * an earlier step's response is accepted wherever it stands (its type is only known at run time).
 */
export function validateArguments(
  op: ActionOperation,
  args: Record<string, unknown>,
  options: { allowReferences: boolean },
): ArgumentIssue[] {
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(argumentsSchema(op) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    return [{ path: "", message: `the operation's schema is unusable: ${(error as Error).message}` }];
  }
  const result = schema.safeParse(args);
  if (result.success) return [];
  return result.error.issues
    .filter((issue) => !(options.allowReferences && containsReference(valueAt(args, issue.path))))
    .map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** Checks an operation's own schemas when it is registered, so a bad one is refused up front. */
export function checkOperationSchema(op: ActionOperation): string | null {
  try {
    z.fromJSONSchema(argumentsSchema(op) as Parameters<typeof z.fromJSONSchema>[0]);
    return null;
  } catch (error) {
    return `operation ${op.name}: ${(error as Error).message}`;
  }
}

/** Step numbers (1-based) an argument value refers to. */
export function referencedSteps(value: unknown): number[] {
  if (typeof value === "string") return [...value.matchAll(REFERENCE)].map((m) => Number(m[1]));
  if (Array.isArray(value)) return value.flatMap(referencedSteps);
  if (value && typeof value === "object") return Object.values(value).flatMap(referencedSteps);
  return [];
}
