import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { ConversationSchema, TicketSchema } from "../conversations/conversations.schemas";

const Origin = text()
  .max(200)
  .refine(
    (value) => value === "*" || /^https?:\/\/[^/\s]+$/.test(value),
    "an origin such as https://shop.example (no path), or *",
  );

export const CreateWidgetKeyBody = z
  .object({
    name: text().trim().min(1).max(120),
    allowedOrigins: z.array(Origin).min(1).max(50),
    agentId: z.uuid().optional(),
  })
  .openapi("CreateWidgetKey");

export const WidgetKeySchema = z
  .object({
    id: z.uuid(),
    name: text(),
    publicKey: text().openapi({ description: "Goes in the page: <script data-widget-key=…>" }),
    allowedOrigins: z.array(text()),
    agentId: z.uuid().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("WidgetKey");

export const CreatedWidgetKeySchema = WidgetKeySchema.extend({
  identitySecret: text().openapi({
    description:
      "Shown once. Your server sends userHash = hex(HMAC-SHA256(identitySecret, userId)) to verify a visitor",
  }),
}).openapi("CreatedWidgetKey");

export const WidgetSessionBody = z
  .object({
    widgetKey: text().min(1).max(100),
    visitorToken: z
      .string()
      .max(2000)
      .optional()
      .openapi({ description: "From an earlier session: keeps the same visitor" }),
    conversationId: z.uuid().optional(),
    visitor: z
      .object({
        name: text().max(120).optional(),
        email: z.email().max(254).optional(),
        userId: text().min(1).max(200).optional(),
        userHash: z
          .string()
          .regex(/^[0-9a-f]{64}$/, "hex HMAC-SHA256")
          .optional(),
      })
      .refine((v) => !v.userId || v.userHash, {
        message: "userHash is required with userId",
        path: ["userHash"],
      })
      .optional(),
  })
  .openapi("WidgetSession");

export const WidgetSessionSchema = z
  .object({
    visitorId: text(),
    visitorToken: text(),
    conversation: ConversationSchema,
    ticket: TicketSchema,
  })
  .openapi("WidgetSessionCreated");
