import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { MAX_TEXT_CHARS } from "../conversations/conversations.protocol";
import { PlanSchema } from "./plans.schemas";

export const ChatCompletionBody = z
  .object({
    messages: z
      .array(
        z.object({
          role: z.enum(["system", "user", "assistant"]),
          content: text().max(MAX_TEXT_CHARS),
        }),
      )
      .max(100)
      .openapi({ description: "The chat so far; the last user message is the new turn" }),
    sessionId: text()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "From the first answer; an unknown id starts a session under that id" }),
    isApproval: z.boolean().default(false).openapi({
      description: "Approve the session's pending plan (so do messages like 'approve', 'yes, go ahead')",
    }),
    userId: text().min(1).max(200).openapi({ description: "Your internal user making the request" }),
    customerUserId: text()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "The external end user, if any" }),
    agentId: z.uuid().optional().openapi({
      description: "Default: the session's agent, the tenant's default agent, or its only agent",
    }),
  })
  .openapi("OrchestratedChatRequest");

export const ChatCompletionResult = z
  .object({
    needsApproval: z.boolean(),
    sessionId: text(),
    conversationId: z.uuid(),
    plan: PlanSchema.nullable(),
    reply: text().openapi({
      description: "What the assistant says: an answer, the proposed plan, or the result",
    }),
    messageId: z.uuid().nullable().openapi({ description: "The reply's message (for feedback)" }),
    issues: z
      .array(z.object({ path: text(), message: text() }))
      .optional()
      .openapi({ description: "Why the model's proposed calls could not be used, when they could not" }),
  })
  .openapi("ChatCompletionResult");
