import { z } from "@hono/zod-openapi";
import { AppError } from "../../lib/errors";
import { text } from "../../lib/text";

// WhatsApp refuses body parameters with a newline or tab, or more than four spaces in a row.
const parameter = text()
  .min(1)
  .max(1024)
  .refine((value) => !/[\n\t]| {5}/.test(value), "no newlines, tabs or more than four spaces in a row");

/** A WhatsApp template message: an approved template by name and language, its body parameters in order. */
export const TemplateMessage = z
  .object({
    name: text()
      .regex(/^[a-z0-9_]{1,512}$/, "a template name: lower-case letters, digits and underscores")
      .openapi({ description: "The approved template's name", example: "order_update" }),
    language: text()
      .regex(/^[a-z]{2,3}(_[A-Z]{2,4})?$/, "a template language code, like en or en_US")
      .openapi({ description: "The template's language code", example: "en_US" }),
    parameters: z
      .array(parameter)
      .max(20)
      .default([])
      .openapi({
        description: "The body's {{1}}, {{2}}… in order",
        example: ["Ada", "#4521"],
      }),
  })
  .openapi("TemplateMessage", {
    description: "WhatsApp only; may be sent outside the 24 h customer service window",
  });

export type TemplateMessage = z.infer<typeof TemplateMessage>;

/** How a template message reads in the room: staff see which template went out, with what. */
export function templateText(template: TemplateMessage): string {
  const values = template.parameters.length > 0 ? `: ${template.parameters.join(" · ")}` : "";
  return `[Template ${template.name} (${template.language})${values}]`;
}

/** The template a stored message carries (its metadata's `template`), or null. */
export function templateOf(value: unknown): TemplateMessage | null {
  return TemplateMessage.safeParse(value).data ?? null;
}

/**
 * A template as a room post: its rendering as the text, the template itself in the metadata (the
 * room's channel outbox sends it as such). Templates exist on WhatsApp only: elsewhere a 400.
 */
export function templatePost(channel: string | null, template: TemplateMessage) {
  if (channel !== "whatsapp")
    throw new AppError("validation_failed", "Templates can only be sent in WhatsApp conversations", [
      { path: "template", message: "not a WhatsApp conversation" },
    ]);
  return { text: templateText(template), metadata: { template } };
}
