import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { MAX_TEXT_CHARS } from "../conversations/conversations.protocol";
import { PLACEHOLDERS, unknownPlaceholders } from "./placeholders";

const ShortCode = text()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,39}$/,
    "must be 1-40 letters, digits, _ or - (starting with a letter or digit)",
  )
  .openapi({ example: "refund-policy" });

const Body = text()
  .max(MAX_TEXT_CHARS)
  .refine((t) => t.trim().length > 0, "text is empty")
  .superRefine((t, ctx) => {
    const unknown = unknownPlaceholders(t);
    if (unknown.length > 0)
      ctx.addIssue({
        code: "custom",
        message: `unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(", ")}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}`,
      });
  })
  .openapi({ example: "Hi {{contact.name}}, refunds take 5 days. — {{agent.name}}" });

export const CannedResponseSchema = z
  .object({
    id: z.uuid(),
    shortCode: text(),
    text: text(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("CannedResponse");

export const CreateCannedResponseBody = z
  .object({ shortCode: ShortCode, text: Body })
  .openapi("CreateCannedResponse");
export const UpdateCannedResponseBody = z
  .object({ shortCode: ShortCode.optional(), text: Body.optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "Nothing to update",
  })
  .openapi("UpdateCannedResponse");

export const ListCannedResponsesQuery = z.object({
  q: text().trim().max(40).optional().openapi({ description: "The start of a short code" }),
});
