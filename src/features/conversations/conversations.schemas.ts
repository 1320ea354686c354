import { z } from "@hono/zod-openapi";
import { conversationStatuses, priorities, senderKinds } from "../../db/schema";
import { jsonObject, text } from "../../lib/text";
import { deliveryStates } from "../channels/channel-adapter";
import { TemplateMessage } from "../channels/channel-template";
import { LabelRefSchema } from "../labels/labels.schemas";
import { ClientId, MAX_ATTACHMENTS, MessageText } from "./conversations.protocol";

// Copied into every list row and room snapshot of the conversation: kept small.
export const METADATA_MAX_BYTES = 8 * 1024;
const Metadata = jsonObject(METADATA_MAX_BYTES).openapi({ description: "Free-form JSON, at most 8 KiB" });

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    status: z.enum(conversationStatuses),
    channel: text(),
    visitorId: text().nullable(),
    customerUserId: text().nullable(),
    contactId: z.uuid().nullable().openapi({ description: "The contact (person) this conversation is with" }),
    priority: z.enum(priorities),
    snoozedUntil: z.iso.datetime().nullable().openapi({ description: "While snoozed: when it opens again" }),
    agentId: z.uuid().nullable(),
    assigneeId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    metadata: z.record(text(), z.unknown()),
    idleTimeoutSeconds: z.number().int(),
    lastSeq: z.number().int(),
    messageCount: z.number().int(),
    lastMessageAt: z.iso.datetime().nullable(),
    lastMessagePreview: text().nullable(),
    firstResponseAt: z.iso.datetime().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    channelId: z
      .uuid()
      .nullable()
      .openapi({ description: "The messaging channel (WhatsApp, Telegram…) it is on" }),
    channelContactRef: text()
      .nullable()
      .openapi({ description: "Who it is with on the channel (wa_id, PSID, IGSID, Telegram chat id)" }),
    window: z
      .object({
        expiresAt: z.iso.datetime().nullable(),
        templateRequired: z.boolean(),
      })
      .optional()
      .openapi({
        description:
          "A channel conversation's messaging window: free-form replies until expiresAt (null: no window); after it, templates only",
      }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Conversation");

export const ConversationListItem = ConversationSchema.extend({
  unreadCount: z
    .number()
    .int()
    .openapi({ description: "Messages from others after the caller's read receipt" }),
  labels: z.array(LabelRefSchema),
  search: z
    .object({
      rank: z.number(),
      snippet: text().openapi({
        description: "HTML-escaped text of the best match with the matched words in <mark>…</mark>",
      }),
      matched: z.enum(["message", "contact"]),
    })
    .optional()
    .openapi({ description: "With `q` only: how well and where it matched" }),
}).openapi("ConversationListItem");

export const CreateConversationBody = z
  .object({
    visitorId: text().min(1).max(200).optional(),
    customerUserId: text().min(1).max(200).optional(),
    agentId: z.uuid().optional(),
    contactId: z.uuid().optional().openapi({
      description: "A contact of your tenant; without it, customerUserId or visitorId finds (or creates) one",
    }),
    priority: z.enum(priorities).default("none"),
    teamId: z.uuid().optional().openapi({ description: "The team the conversation belongs to" }),
    channel: text().min(1).max(40).default("web"),
    metadata: Metadata.default({}),
    idleTimeoutSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(1800),
  })
  .openapi("CreateConversation");

export const ListConversationsQuery = z.object({
  status: z.enum(conversationStatuses).optional(),
  assigneeId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  visitorId: text().max(200).optional(),
  customerUserId: text().max(200).optional(),
  channel: text().max(40).optional(),
  contactId: z.uuid().optional(),
  label: z.uuid().optional().openapi({ description: "Only conversations with this label (its id)" }),
  priority: z.enum(priorities).optional(),
  q: text().trim().max(200).optional().openapi({
    description: "Full-text search of message text and contact name/email/phone; ranked results",
  }),
  sort: z.enum(["updated", "priority"]).default("updated").openapi({
    description: "Newest activity first, or most urgent first (ignored with q: best match first)",
  }),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  cursor: text().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const MessageSchema = z
  .object({
    type: z.literal("message"),
    seq: z.number().int(),
    id: z.uuid(),
    clientId: text().optional(),
    sender: z.object({ kind: z.enum(senderKinds), id: text() }),
    text: text(),
    createdAt: z.iso.datetime(),
    metadata: z.record(text(), z.unknown()),
    kind: z
      .literal("note")
      .optional()
      .openapi({ description: "A private note: staff only, never sent to the visitor, a channel or the AI" }),
    delivery: z
      .object({
        state: z.enum(deliveryStates),
        code: text().optional().openapi({
          description:
            "When failed: WINDOW_CLOSED, RATE_LIMITED, TOKEN_INVALID or UNDELIVERABLE, then the platform's code",
        }),
      })
      .optional()
      .openapi({
        description: "A reply on a messaging channel: where its delivery stands (only moves forward)",
      }),
  })
  .openapi("Message");

export const MessagesQuery = z.object({
  after: z.coerce.number().int().nonnegative().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const PostMessageBody = z
  .object({
    clientId: ClientId.optional(),
    text: MessageText.optional().openapi({ description: "The text (or give cannedResponseId)" }),
    cannedResponseId: z
      .uuid()
      .optional()
      .openapi({ description: "Send this canned response, its placeholders filled in by the server" }),
    kind: z.enum(["message", "note"]).default("message").openapi({
      description: "`note`: a private note for staff (the visitor, channels and the AI never see it)",
    }),
    attachmentIds: z.array(z.uuid()).max(MAX_ATTACHMENTS).optional().openapi({
      description: "Files uploaded to this conversation (POST /api/conversations/{id}/attachments)",
    }),
    template: TemplateMessage.optional().openapi({
      description:
        "WhatsApp conversations: send this approved template instead of text (allowed outside the 24 h window)",
    }),
  })
  .refine(
    (b) => [b.text, b.cannedResponseId, b.template].filter((given) => given !== undefined).length === 1,
    { message: "Give one of text, cannedResponseId or template" },
  )
  .refine((b) => !b.template || (b.kind === "message" && !b.attachmentIds?.length), {
    message: "A template is a message on its own: no note, no attachments",
    path: ["template"],
  })
  .openapi("PostMessage", {
    examples: [
      { text: "Hi Ada, your parcel left today." },
      { template: { name: "order_update", language: "en_US", parameters: ["Ada", "#4521"] } },
    ],
  });

export const SnoozeBody = z
  .object({
    until: z.iso.datetime({ offset: true }).openapi({
      description: "When it opens again (in the future, within a year)",
      example: "2026-12-24T09:00:00Z",
    }),
  })
  .openapi("Snooze");

export const PriorityBody = z.object({ priority: z.enum(priorities) }).openapi("Priority");

export const AckSchema = z
  .object({
    clientId: text().nullable(),
    seq: z.number().int(),
    id: z.uuid(),
    duplicate: z.boolean(),
    message: MessageSchema,
  })
  .openapi("MessageAck");

export const ReadBody = z.object({ seq: z.number().int().nonnegative() }).openapi("ReadReceipt");
export const AssignBody = z
  .object({
    assigneeId: z.uuid().nullable().optional().openapi({ description: "A staff user, or null to unassign" }),
    teamId: z.uuid().nullable().optional().openapi({
      description: "A team, or null for none; with round-robin on, a waiting conversation gets a member",
    }),
  })
  .refine((body) => body.assigneeId !== undefined || body.teamId !== undefined, "Name assigneeId or teamId")
  .openapi("Assign");

export const TicketSchema = z
  .object({
    ticket: text(),
    expiresIn: z.number().int(),
    url: text().openapi({ description: "WebSocket path with the ticket (add &after=<seq> to resume)" }),
    lastSeq: z.number().int(),
  })
  .openapi("Ticket");

export const StatsSchema = z
  .object({
    byStatus: z.record(text(), z.number().int()),
    total: z.number().int(),
    averageMessages: z.number(),
    averageDurationSeconds: z.number().nullable(),
    averageFirstResponseSeconds: z.number().nullable(),
    feedback: z
      .object({ like: z.number().int(), dislike: z.number().int() })
      .openapi({ description: "Likes and dislikes of messages (POST /api/messages/{id}/feedback)" }),
  })
  .openapi("ConversationStats");

export const ConversationMessageParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  messageId: z.uuid().openapi({ param: { name: "messageId", in: "path" } }),
});

export const OutboxSchema = z
  .object({
    pending: z.number().int().openapi({ description: "Rows waiting to be copied to Postgres" }),
    oldestAt: z.iso.datetime().nullable(),
    flushAttempts: z.number().int().openapi({ description: "Failed copy attempts in a row (backoff)" }),
    deadCount: z.number().int(),
    dead: z.array(
      z.object({
        id: z.number().int(),
        kind: z.enum(["message", "receipt", "status", "usage", "analytics"]),
        payload: z.record(text(), z.unknown()).openapi({ description: "The row as the room stored it" }),
        queuedAt: z.iso.datetime(),
        failedAt: z.iso.datetime(),
        error: z.object({
          code: text().openapi({ example: "23503", description: "SQLSTATE, or the error's name" }),
          message: text(),
        }),
      }),
    ),
  })
  .openapi("ConversationOutbox", {
    description:
      "Rows Postgres refused for good (a constraint or encoding) are kept here as dead letters and never block the rows after them.",
  });
