import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { ConversationSchema, TicketSchema } from "../conversations/conversations.schemas";
import { originPatternIssue } from "./origins";

const Origin = text()
  .max(200)
  .superRefine((value, ctx) => {
    const issue = originPatternIssue(value);
    if (issue) ctx.addIssue({ code: "custom", message: issue });
  })
  .openapi({ example: "https://*.example.com" });

const WidgetKeyName = text().trim().min(1).max(120);
const AllowedOrigins = z.array(Origin).min(1).max(50).openapi({
  description: "Exact origins, `https://*.example.com` for any subdomain (not the apex), or `*`",
});

export const CreateWidgetKeyBody = z
  .object({
    name: WidgetKeyName,
    allowedOrigins: AllowedOrigins,
    agentId: z.uuid().optional().openapi({ description: "An agent of your tenant" }),
  })
  .openapi("CreateWidgetKey");

export const UpdateWidgetKeyBody = z
  .object({
    name: WidgetKeyName.optional(),
    allowedOrigins: AllowedOrigins.optional(),
    agentId: z
      .uuid()
      .nullable()
      .optional()
      .openapi({ description: "An agent of your tenant, or null for none" }),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "Nothing to update",
  })
  .openapi("UpdateWidgetKey");

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
    visitorToken: text()
      .max(2000)
      .optional()
      .openapi({ description: "From an earlier session: keeps the same visitor" }),
    conversationId: z.uuid().optional(),
    visitor: z
      .object({
        name: text().max(120).optional(),
        email: z.email().max(254).optional(),
        userId: text().min(1).max(200).optional(),
        userHash: text()
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
