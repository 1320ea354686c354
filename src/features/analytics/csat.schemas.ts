import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";

/** What the widget shows when a conversation is resolved (the `csat` frame). */
export const CSAT_QUESTION = "How satisfied are you with the help you received?";
/** The question as a channel message: the customer answers by replying with the number. */
export const CHANNEL_CSAT_QUESTION = `${CSAT_QUESTION} Reply with a number from 1 (poor) to 5 (great).`;
export const MAX_CSAT_COMMENT = 1000;

export const CsatBody = z
  .object({
    rating: z.number().int().min(1).max(5).openapi({ description: "1 (very unsatisfied) to 5", example: 5 }),
    comment: text()
      .max(MAX_CSAT_COMMENT, `comment is longer than ${MAX_CSAT_COMMENT} characters`)
      .optional()
      .openapi({ example: "Quick and friendly" }),
  })
  .strict()
  .openapi("CsatInput");

export const CsatQuery = z.object({
  ticket: text()
    .min(1)
    .max(2000)
    .optional()
    .openapi({ description: "The visitor's conversation ticket (instead of a bearer token)" }),
});
export type CsatCredentials = z.infer<typeof CsatQuery>;

export const CsatSchema = z
  .object({
    id: text(),
    conversationId: text(),
    surveyId: text(),
    rating: z.number().int(),
    comment: text().nullable(),
    respondent: z.object({ kind: text(), id: text() }),
    createdAt: text(),
  })
  .openapi("CsatResponse");
