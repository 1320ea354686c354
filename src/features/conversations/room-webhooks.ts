import type { WebhookEventType } from "../../db/schema";
import type { InboxEvent } from "../inbox/inbox.protocol";
import { emitWebhookEvent } from "../webhooks/emit";
import { isCustomerVisible, type StoredMessage } from "./conversations.protocol";

// A plan that left pending by running (not rejected, expired or superseded).
const EXECUTED = ["completed", "completed_with_errors", "failed"];

/** The webhook event a room's inbox event stands for, if any (docs/webhooks.md). */
function webhookOf(event: InboxEvent): { type: WebhookEventType; data: Record<string, unknown> } | null {
  switch (event.type) {
    case "conversation.status": {
      const { type: _, ...data } = event;
      return { type: "conversation.status_changed", data };
    }
    case "plan.pending":
      return { type: "plan.pending", data: { conversationId: event.conversationId, plan: event.plan } };
    case "plan.finished":
      return EXECUTED.includes(event.plan.status)
        ? { type: "plan.executed", data: { conversationId: event.conversationId, plan: event.plan } }
        : null;
    default:
      return null;
  }
}

/** What a room announces as webhook events: its status changes, plans, and every message and note. */
export const roomWebhooks = {
  /** For an event the room also tells its inbox. */
  event(env: Env, tenantId: string, event: InboxEvent): Promise<void> | null {
    const hook = webhookOf(event);
    return hook ? emitWebhookEvent(env, tenantId, hook.type, hook.data) : null;
  },
  /** A private note is staff-only: never a `message.created`, only its own opt-in `note.created`. */
  message(env: Env, tenantId: string, conversationId: string, message: StoredMessage): Promise<void> {
    const type = isCustomerVisible(message) ? "message.created" : "note.created";
    return emitWebhookEvent(env, tenantId, type, { conversationId, message });
  },
};
