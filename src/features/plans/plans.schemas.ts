import { z } from "@hono/zod-openapi";
import { autoRunPolicies, riskLevels } from "../../db/schema";
import { nonEmptyUpdate } from "../../lib/route-helpers";
import { jsonObject, text } from "../../lib/text";

const Actor = z
  .object({
    kind: z.enum(["user", "api_key", "staff", "visitor", "policy", "system"]),
    id: text(),
    userId: text().optional(),
    customerUserId: text().optional(),
  })
  .openapi("PlanActor");

const Edit = z.union([
  z.object({ step: z.number().int().positive(), drop: z.literal(true) }),
  z.object({ step: z.number().int().positive(), arguments: jsonObject(64 * 1024) }),
]);

export const PlanStepSchema = z
  .object({
    id: z.uuid(),
    index: z.number().int().openapi({ description: "1-based; kept when steps are dropped" }),
    actionId: z.uuid(),
    operation: text(),
    method: text(),
    path: text(),
    arguments: z.record(text(), z.unknown()),
    why: text(),
    risk: z.enum(riskLevels),
    onFailure: z.enum(["stop", "continue"]),
    autoRun: z.boolean(),
    status: z.enum(["pending", "running", "succeeded", "failed", "skipped", "dropped"]),
    request: z
      .object({
        method: text(),
        url: text(),
        headers: z.record(text(), text()),
        body: text().optional(),
      })
      .nullable()
      .openapi({ description: "What was sent (the Authorization value is never recorded)" }),
    response: z
      .object({
        status: z.number().int(),
        contentType: text().nullable(),
        body: text(),
        truncated: z.boolean(),
        bytes: z.number().int(),
      })
      .nullable(),
    error: text().nullable(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    durationMs: z.number().int().nullable(),
  })
  .openapi("PlanStep");

export const PlanSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    agentId: z.uuid().nullable(),
    sessionId: text().nullable(),
    status: z.enum([
      "pending",
      "running",
      "completed",
      "completed_with_errors",
      "failed",
      "rejected",
      "expired",
      "superseded",
      "interrupted",
    ]),
    request: text(),
    summary: text(),
    requestedBy: Actor,
    decidedBy: Actor.nullable(),
    decidedAt: z.iso.datetime().nullable(),
    rejectionReason: text().nullable(),
    edits: z.array(z.object({ by: Actor, at: z.iso.datetime() }).loose()),
    result: text().nullable().openapi({ description: "The verifier's summary of what was done" }),
    expiresAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
    steps: z.array(PlanStepSchema),
  })
  .openapi("Plan");

export const ApproveBody = z
  .object({
    edits: z
      .array(Edit)
      .max(50)
      .default([])
      .openapi({ description: "Before approving: drop steps, or replace a step's arguments" }),
  })
  .openapi("ApprovePlan");

export const RejectBody = z.object({ reason: text().trim().max(500).optional() }).openapi("RejectPlan");

export const ListPlansQuery = z.object({
  conversationId: z.uuid().optional(),
  sessionId: text().max(200).optional(),
  status: PlanSchema.shape.status.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const PlanSettingsSchema = z
  .object({
    autoRun: z.enum(autoRunPolicies).openapi({
      description:
        "Steps that run without approval: none, read (read-risk steps) or write (read and write); approval_required steps always wait. A plan runs at once only when all its steps may.",
    }),
    approvalTtlSeconds: z
      .number()
      .int()
      .openapi({ description: "How long a proposed plan waits for approval" }),
    defaultAgentId: z
      .uuid()
      .nullable()
      .openapi({ description: "The agent POST /chat/completion uses by default" }),
  })
  .openapi("PlanSettings");

export const PutPlanSettingsBody = nonEmptyUpdate(
  z.object({
    autoRun: z.enum(autoRunPolicies).optional(),
    approvalTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .optional(),
    defaultAgentId: z.uuid().nullable().optional(),
  }),
).openapi("PutPlanSettings");
