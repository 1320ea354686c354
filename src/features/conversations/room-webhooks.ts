import type { WebhookEventType } from "../../db/schema";
import type { InboxEvent } from "../inbox/inbox.protocol";
import type { InboxClient } from "../inbox/inbox-client";
import { ROOM_WEBHOOK_CACHE_MS } from "../inbox/inbox-webhooks";
import { queueWebhookEvent } from "../webhooks/emit";
import { isCustomerVisible, type StoredMessage } from "./conversations.protocol";

// A plan that left pending by running (not rejected, expired or superseded).
const EXECUTED = ["completed", "completed_with_errors", "failed"];

type Hook = { type: WebhookEventType; data: Record<string, unknown> };
/** Whose events: the room's conversation and tenant. */
type Room = { tenantId: string; conversationId: string };

/** The webhook event a room's inbox event stands for, if any (docs/webhooks.md). */
function webhookOf(event: InboxEvent): Hook | null {
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

/**
 * What a room announces as webhook events: its status changes, plans, and every message and note.
 * Which types the tenant's endpoints want is asked of its inbox once and kept (every message would
 * otherwise cost an RPC); the inbox calls `changed` on every endpoint change before answering it, so
 * an endpoint created after the room learnt "nobody wants it" still gets the very next event.
 */
export class RoomWebhooks {
  private wanted: { types: readonly string[]; at: number } | null = null;
  private loading: Promise<readonly string[] | null> | null = null;
  // Bumped by `changed`: an answer asked for before a change is not kept.
  private generation = 0;

  constructor(private readonly env: Env) {}

  /** For an event the room also tells its inbox (null: nothing to wait for). */
  event(inbox: InboxClient, room: Room, event: InboxEvent): Promise<void> | null {
    const hook = webhookOf(event);
    return hook ? this.emit(inbox, room, hook) : null;
  }

  /** A private note is staff-only: never a `message.created`, only its own opt-in `note.created`. */
  message(inbox: InboxClient, room: Room, message: StoredMessage): Promise<void> | null {
    const type = isCustomerVisible(message) ? "message.created" : "note.created";
    return this.emit(inbox, room, { type, data: { conversationId: room.conversationId, message } });
  }

  /** The tenant's endpoints changed: the next event asks the inbox again. */
  changed(): void {
    this.generation++;
    this.wanted = null;
    this.loading = null;
  }

  private emit(inbox: InboxClient, room: Room, hook: Hook): Promise<void> | null {
    const send = () => queueWebhookEvent(this.env, room.tenantId, hook.type, hook.data);
    const wanted = this.wanted;
    if (wanted && Date.now() - wanted.at < ROOM_WEBHOOK_CACHE_MS)
      return wanted.types.includes(hook.type) ? send() : null;
    // Unknown (the inbox could not be asked): sent, as the queue's consumer finds who wants it.
    return this.types(inbox, room.conversationId).then((types) =>
      types === null || types.includes(hook.type) ? send() : undefined,
    );
  }

  private types(inbox: InboxClient, conversationId: string): Promise<readonly string[] | null> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const asked = Date.now();
    const loading = inbox.webhookTypesFor(conversationId).then((types) => {
      if (this.generation !== generation) return types;
      this.loading = null;
      if (types !== null) this.wanted = { types, at: asked };
      return types;
    });
    this.loading = loading;
    return loading;
  }
}
