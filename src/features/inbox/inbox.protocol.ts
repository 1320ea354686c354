import { z } from "zod";
import { text } from "../../lib/text";
import type { Sender } from "../conversations/conversations.protocol";
import type { ConversationView } from "../conversations/conversations.views";
import type { DocumentStatusView } from "../documents/documents.views";
import type { PlanView } from "../plans/plan-types";

/** What the tenant's inbox hears from the owners of each fact, and forwards to staff sockets. */
export type InboxEvent =
  | { type: "conversation.created"; conversation: ConversationView }
  | {
      type: "conversation.status";
      conversationId: string;
      status: string;
      assigneeId: string | null;
      teamId?: string | null;
      reason?: string;
    }
  /** The latest message of a room, standing for `count` messages since the last such event. */
  | {
      type: "message";
      conversationId: string;
      seq: number;
      sender: Sender;
      preview: string;
      createdAt: string;
      count: number;
    }
  | { type: "typing"; conversationId: string; participant: Sender; on: boolean }
  /** The document's progress (processing sends that; an upload or edit sends the whole view). */
  | { type: "document.updated"; document: DocumentStatusView & { title: string } }
  | { type: "document.deleted"; documentId: string }
  /** An agent proposed a plan in a conversation that waits for staff approval. */
  | { type: "plan.pending"; conversationId: string; plan: PlanView }
  /** A plan left pending: ran, failed, was rejected, expired or was superseded. */
  | { type: "plan.finished"; conversationId: string; plan: PlanView }
  /** A room's copy to Postgres (kept for /api/metrics, not forwarded). */
  | { type: "outbox"; conversationId: string; pending: number; oldestAt: number | null; dead: number };

export type InboxMessageEvent = Extract<InboxEvent, { type: "message" }>;

/** The header that carries an `InboxJoin` from the Worker to the inbox. */
export const INBOX_JOIN_HEADER = "X-Switchboard-Inbox-Join";

/** Who opens the inbox: the verified claims of their ticket. */
export const InboxJoin = z.object({
  tenantId: text().min(1),
  principalId: text().min(1),
  ticketIssuedAtMs: z.number().int().nonnegative(),
});
export type InboxJoin = z.infer<typeof InboxJoin>;
