import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";

export { CHANNEL_CSAT_QUESTION, CSAT_QUESTION } from "./csat-questions";
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
