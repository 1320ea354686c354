import { z } from "zod";
import { text } from "../../lib/text";
import type { ContactView } from "../contacts/contacts.views";
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
  /** Labels or priority changed (their writer is Postgres, not the room). */
  | {
      type: "conversation.updated";
      conversationId: string;
      labels?: { id: string; name: string; color: string }[];
      priority?: string;
    }
  | { type: "conversation.deleted"; conversationId: string }
  | { type: "contact.updated"; contact: ContactView }
  /** Erased, or merged into `mergedInto`. */
  | { type: "contact.deleted"; contactId: string; mergedInto?: string }
  /** The latest message of a room, standing for `count` messages since the last such event. */
  | {
      type: "message";
      conversationId: string;
      seq: number;
      sender: Sender;
      preview: string;
      createdAt: string;
      count: number;
      /** A private note (staff only, as the inbox is). */
      kind?: "note";
    }
  | { type: "typing"; conversationId: string; participant: Sender; on: boolean }
  /** The document's progress (processing sends that; an upload or edit sends the whole view). */
  | { type: "document.updated"; document: DocumentStatusView & { title: string } }
  | { type: "document.deleted"; documentId: string }
  /** A policy upload's progress: queued → extracting → needs_review | saved | failed (with the reason). */
  | {
      type: "policy.upload";
      upload: {
        id: string;
        state: "queued" | "extracting" | "needs_review" | "saved" | "rejected" | "failed";
        policyId: string | null;
        reason: string | null;
      };
    }
  /** An agent proposed a plan in a conversation that waits for staff approval. */
  | { type: "plan.pending"; conversationId: string; plan: PlanView }
  /** A plan left pending: ran, failed, was rejected, expired or was superseded. */
  | { type: "plan.finished"; conversationId: string; plan: PlanView }
  /** A channel's health changed (e.g. the platform revoked its token: `reauth_required`). */
  | { type: "channel.status"; channelId: string; status: string; code: string | null }
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
