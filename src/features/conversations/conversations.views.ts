import type { conversations } from "../../db/schema";
import { isoOrNull } from "../../lib/time";

type ConversationRow = typeof conversations.$inferSelect;

/** The public shape of a conversation. */
export function conversationView(row: ConversationRow) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    status: row.status,
    channel: row.channel,
    visitorId: row.visitorId,
    customerUserId: row.customerUserId,
    contactId: row.contactId,
    priority: row.priority,
    snoozedUntil: isoOrNull(row.snoozedUntil),
    agentId: row.agentId,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    metadata: row.metadata,
    idleTimeoutSeconds: row.idleTimeoutSeconds,
    lastSeq: row.lastSeq,
    messageCount: row.messageCount,
    lastMessageAt: isoOrNull(row.lastMessageAt),
    lastMessagePreview: row.lastMessagePreview,
    firstResponseAt: isoOrNull(row.firstResponseAt),
    resolvedAt: isoOrNull(row.resolvedAt),
    channelId: row.channelId,
    channelContactRef: row.channelContactRef,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ConversationView = ReturnType<typeof conversationView>;
