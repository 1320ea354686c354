import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";

const Name = text().trim().min(1).max(60).openapi({ example: "billing" });
const Color = text()
  .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour as #rrggbb")
  .transform((c) => c.toLowerCase())
  .openapi({ example: "#d93f0b" });

export const LabelSchema = z
  .object({
    id: z.uuid(),
    name: text(),
    color: text().openapi({ example: "#d93f0b" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Label");

export const CreateLabelBody = z.object({ name: Name, color: Color }).openapi("CreateLabel");
export const UpdateLabelBody = z
  .object({ name: Name.optional(), color: Color.optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "Nothing to update",
  })
  .openapi("UpdateLabel");

export const ConversationLabelParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  labelId: z.uuid().openapi({ param: { name: "labelId", in: "path" } }),
});

/** A label as a conversation carries it. */
export const LabelRefSchema = z.object({ id: z.uuid(), name: text(), color: text() }).openapi("LabelRef");
