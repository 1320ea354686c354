import { z } from "@hono/zod-openapi";
import { riskLevels } from "../../db/schema";
import { jsonObject, text } from "../../lib/text";

const JsonSchema = jsonObject(20_000).openapi({
  description: "A JSON Schema (at most 20 kB)",
  type: "object",
});

const OperationName = text().regex(
  /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
  "letters, digits, _ and -, starting with a letter (≤ 64)",
);

export const ParameterSchema = z
  .object({
    name: text()
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/)
      .refine((name) => name !== "_why" && name !== "body", "_why and body are reserved"),
    in: z.enum(["path", "query"]),
    required: z.boolean().default(false),
    description: text().max(500).optional(),
    schema: JsonSchema.default({ type: "string" }),
  })
  .openapi("ActionParameter");

export const OperationSchema = z
  .object({
    name: OperationName.openapi({ description: "What the planner calls it (unique per agent)" }),
    description: text().max(1000).default(""),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path: text()
      .min(1)
      .max(500)
      .regex(/^\/(?!\/)[^?#\s]*$/, "a path below the base URL, starting with a single /, e.g. /orders/{id}"),
    parameters: z.array(ParameterSchema).max(30).default([]),
    body: JsonSchema.nullable().optional().openapi({ description: "JSON Schema of the JSON request body" }),
    risk: z.enum(riskLevels).openapi({
      description:
        "read: may auto-run when the tenant allows it; write: needs approval unless the tenant auto-runs writes; approval_required: always needs approval",
    }),
    onFailure: z.enum(["stop", "continue"]).default("stop"),
  })
  .openapi("ActionOperation");

const BaseUrl = z.url().max(500).openapi({ description: "All calls go below this URL, and nowhere else" });
const Token = text()
  .min(1)
  .max(4000)
  .nullable()
  .optional()
  .openapi({ description: "Default bearer token (stored encrypted, never returned); null removes it" });

export const CreateActionBody = z
  .object({
    name: text().trim().min(1).max(120),
    description: text().max(2000).default(""),
    baseUrl: BaseUrl,
    token: Token,
    timeoutSeconds: z.number().int().min(1).max(60).default(10),
    operations: z.array(OperationSchema).min(1).max(100),
  })
  .openapi("CreateAction");

// An empty update is refused by the service once the action is found (an unknown id stays a 404).
export const UpdateActionBody = z
  .object({
    name: text().trim().min(1).max(120).optional(),
    description: text().max(2000).optional(),
    baseUrl: BaseUrl.optional(),
    token: Token,
    timeoutSeconds: z.number().int().min(1).max(60).optional(),
    operations: z.array(OperationSchema).min(1).max(100).optional(),
  })
  .openapi("UpdateAction");

export const ImportActionsBody = z
  .object({
    name: text().trim().min(1).max(120).optional().openapi({ description: "Default: the document's title" }),
    baseUrl: BaseUrl.optional().openapi({ description: "Default: the document's first absolute server URL" }),
    token: Token,
    timeoutSeconds: z.number().int().min(1).max(60).optional(),
    // Bounded by MAX_BODY_BYTES already; jsonObject refuses the strings Postgres cannot store.
    document: jsonObject(4 * 1024 * 1024).openapi({
      description: "An OpenAPI 3.x document (JSON)",
      type: "object",
    }),
  })
  .openapi("ImportActions");

export const ActionSchema = z
  .object({
    id: z.uuid(),
    agentId: z.uuid(),
    name: text(),
    description: text(),
    baseUrl: text(),
    tokenSet: z
      .boolean()
      .openapi({ description: "Whether a default token is stored (it is never returned)" }),
    timeoutSeconds: z.number().int(),
    operations: z.array(OperationSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Action");

export const AgentActionParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  actionId: z.uuid().openapi({ param: { name: "actionId", in: "path" } }),
});
