import type { conversations } from "../../db/schema";

type ConversationRow = typeof conversations.$inferSelect;

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The public shape of a conversation. */
export function conversationView(row: ConversationRow) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    status: row.status,
    channel: row.channel,
    visitorId: row.visitorId,
    customerUserId: row.customerUserId,
    agentId: row.agentId,
    assigneeId: row.assigneeId,
    metadata: row.metadata,
    idleTimeoutSeconds: row.idleTimeoutSeconds,
    lastSeq: row.lastSeq,
    messageCount: row.messageCount,
    lastMessageAt: iso(row.lastMessageAt),
    lastMessagePreview: row.lastMessagePreview,
    firstResponseAt: iso(row.firstResponseAt),
    resolvedAt: iso(row.resolvedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
