import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { ConversationSchema, TicketSchema } from "../conversations/conversations.schemas";
import { FeedbackBody } from "../feedback/feedback.schemas";
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

// The strings the widget shows that a tenant may translate (docs/widget.md).
export const WIDGET_STRINGS = [
  "title",
  "launcher",
  "placeholder",
  "send",
  "online",
  "away",
  "connecting",
  "preChatIntro",
  "name",
  "email",
  "start",
  "csatQuestion",
  "csatThanks",
  "helpful",
  "notHelpful",
  "staff",
  "ai",
  "sources",
] as const;

export const WidgetSettingsSchema = z
  .object({
    title: text().trim().min(1).max(80).optional(),
    preChatForm: z
      .object({ enabled: z.boolean(), requireEmail: z.boolean().optional() })
      .optional()
      .openapi({ description: "Ask name and email before the first message" }),
    theme: z
      .object({
        color: text()
          .regex(/^#[0-9a-fA-F]{6}$/, "a colour like #2557d6")
          .optional(),
        position: z.enum(["left", "right"]).optional(),
        launcherText: text().trim().min(1).max(40).optional(),
      })
      .optional(),
    strings: z
      .partialRecord(z.enum(WIDGET_STRINGS), text().trim().min(1).max(200))
      .optional()
      .openapi({ description: "Translations of the widget's own words" }),
    replyTimeHours: z
      .number()
      .positive()
      .max(168)
      .optional()
      .openapi({ description: '"We reply in about N hours"' }),
    awayMessage: text().trim().min(1).max(300).optional(),
    citationUrl: text()
      .max(500)
      .regex(/^https:\/\/[^\s]+$/, "an https URL")
      .refine((url) => url.includes("{documentId}"), "must contain {documentId}")
      .optional()
      .openapi({
        description:
          "Where citations link: {documentId} and {page} are filled in. Absent: citations are plain text",
        example: "https://shop.example/docs/{documentId}#page={page}",
      }),
  })
  .openapi("WidgetSettings");

export const CreateWidgetKeyBody = z
  .object({
    name: WidgetKeyName,
    allowedOrigins: AllowedOrigins,
    agentId: z.uuid().optional().openapi({ description: "An agent of your tenant" }),
    settings: WidgetSettingsSchema.optional(),
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
    settings: WidgetSettingsSchema.optional(),
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
    settings: WidgetSettingsSchema,
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
    start: z.boolean().default(true).openapi({
      description:
        "false: resume the visitor's open conversation but create none (the widget creates it on the first message)",
    }),
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
    // Both null with start: false when the visitor has no open conversation.
    conversation: ConversationSchema.nullable(),
    ticket: TicketSchema.nullable(),
  })
  .openapi("WidgetSessionCreated");

export const WidgetConfigQuery = z.object({ widgetKey: text().min(1).max(100) });

export const WidgetConfigSchema = z
  .object({
    settings: WidgetSettingsSchema,
    online: z.boolean().openapi({ description: "Someone of the team has the inbox open now" }),
    withinHours: z
      .boolean()
      .openapi({ description: "Inside the agent's business hours (true when it has none)" }),
    hours: text().nullable().openapi({
      description: "The agent's business hours, readable",
      example: "Mon 09:00–17:00 (Europe/Berlin)",
    }),
  })
  .openapi("WidgetConfig");

export const VisitorFeedbackBody = FeedbackBody.omit({ userId: true }).openapi("VisitorFeedbackInput");
export const StaffNamesQuery = z.object({
  ids: text()
    .max(2000)
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(z.uuid()).max(50))
    .openapi({ description: "Comma-separated staff user ids (message senders)", example: "01a2…,01a3…" }),
});
export const StaffNamesSchema = z
  .object({ data: z.array(z.object({ id: z.uuid(), name: text() })) })
  .openapi("WidgetStaffNames");
