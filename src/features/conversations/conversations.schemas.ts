import { z } from "@hono/zod-openapi";
import { conversationStatuses, senderKinds } from "../../db/schema";
import { jsonObject, text } from "../../lib/text";
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
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Conversation");

export const ConversationListItem = ConversationSchema.extend({
  unreadCount: z
    .number()
    .int()
    .openapi({ description: "Messages from others after the caller's read receipt" }),
}).openapi("ConversationListItem");

export const CreateConversationBody = z
  .object({
    visitorId: text().min(1).max(200).optional(),
    customerUserId: text().min(1).max(200).optional(),
    agentId: z.uuid().optional(),
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
    text: MessageText,
    attachmentIds: z.array(z.uuid()).max(MAX_ATTACHMENTS).optional().openapi({
      description: "Files uploaded to this conversation (POST /api/conversations/{id}/attachments)",
    }),
  })
  .openapi("PostMessage");

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
        kind: z.enum(["message", "receipt", "status", "usage"]),
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
