import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";

export const FeedbackBody = z
  .object({
    rating: z.enum(["like", "dislike"]),
    reasons: z.array(text().trim().min(1).max(100)).max(10).default([]),
    comment: text().trim().max(2000).nullable().optional(),
    userId: text().min(1).max(200).optional().openapi({
      description: "With an API key: the end user giving feedback (each gets one vote per message)",
    }),
  })
  .openapi("MessageFeedbackInput");

export const FeedbackSchema = z
  .object({
    id: z.uuid(),
    messageId: z.uuid(),
    conversationId: z.uuid(),
    rater: z.object({ kind: text(), id: text() }),
    rating: z.enum(["like", "dislike"]),
    reasons: z.array(text()),
    comment: text().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("MessageFeedback");

export const FeedbackCounts = z
  .object({ like: z.number().int(), dislike: z.number().int() })
  .openapi("FeedbackCounts");

export const MessageFeedbackList = z
  .object({ messageId: z.uuid(), counts: FeedbackCounts, data: z.array(FeedbackSchema) })
  .openapi("MessageFeedbackList");

export const FeedbackStats = z
  .object({
    counts: FeedbackCounts,
    reasons: z.array(z.object({ reason: text(), count: z.number().int() })),
    byAgent: z.array(z.object({ agentId: text(), like: z.number().int(), dislike: z.number().int() })),
  })
  .openapi("FeedbackStats");
