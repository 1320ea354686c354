import type { InboxEvent, InboxMessageEvent } from "../inbox/inbox.protocol";
import { type InboxClient, inboxClient } from "../inbox/inbox-client";
import type { Sender } from "./conversations.protocol";
import { BUSY_FLUSH_MS } from "./room-outbox";
import type { RoomMeta, StoredMessage } from "./room-store";
import { RoomWebhooks } from "./room-webhooks";

// The inbox hears of a busy room at most this often: as often as it flushes, so one alarm serves both.
const INTERVAL_MS = BUSY_FLUSH_MS;

/**
 * What the room tells its tenant's inbox (and, for status changes, plans and messages, the tenant's
 * webhooks: room-webhooks.ts). Message events are throttled: the first goes out at once;
 * later ones within the window are folded into one event (the latest message, with how many it
 * stands for) that the room's alarm sends at the window's end. A busy room costs the inbox one call
 * per interval, not one per message, and no timer of its own.
 */
export class RoomInboxFeed {
  private pending: { event: Omit<InboxMessageEvent, "count">; count: number } | null = null;
  private windowEnd = 0;
  private inbox: { tenantId: string; client: InboxClient } | null = null;
  private readonly webhooks: RoomWebhooks;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {
    this.webhooks = new RoomWebhooks(env);
  }

  /** Tells the inbox (nothing when the room holds no conversation any more). */
  publish(meta: RoomMeta | null, event: InboxEvent): void {
    if (!meta) return;
    this.ctx.waitUntil(this.inboxOf(meta).publish(event));
    const hook = this.webhooks.event(this.inboxOf(meta), meta, event);
    if (hook) this.ctx.waitUntil(hook);
  }

  /** The tenant's webhook endpoints changed (told by its inbox). */
  webhooksChanged(): void {
    this.webhooks.changed();
  }

  /** A new message: a webhook event each, and told to the inbox at once or folded into the window's event. */
  message(meta: RoomMeta, message: StoredMessage): void {
    const hook = this.webhooks.message(this.inboxOf(meta), meta, message);
    if (hook) this.ctx.waitUntil(hook);
    const { seq, sender, createdAt } = message;
    const preview = message.text.slice(0, 160);
    const event = {
      type: "message" as const,
      conversationId: meta.conversationId,
      seq,
      sender,
      preview,
      createdAt,
      ...(message.kind ? { kind: message.kind } : {}),
    };
    const count = (this.pending?.count ?? 0) + 1;
    if (Date.now() < this.windowEnd) {
      this.pending = { event, count };
      return;
    }
    this.pending = null;
    this.publish(meta, { ...event, count });
    this.windowEnd = Date.now() + INTERVAL_MS;
  }

  /** When the folded event is due (null: nothing folded), for the room's alarm. */
  /** Someone's typing state, when it changed (`changed`), for the inbox's list. */
  typing(meta: RoomMeta | null, changed: boolean, participant: Sender, on: boolean): void {
    if (changed && meta)
      this.publish(meta, { type: "typing", conversationId: meta.conversationId, participant, on });
  }

  deadline(): number | null {
    return this.pending ? this.windowEnd : null;
  }

  /** The alarm's part: sends the folded event once its window has ended. */
  release(meta: RoomMeta): void {
    if (!this.pending || Date.now() < this.windowEnd) return;
    this.publish(meta, { ...this.pending.event, count: this.pending.count });
    this.pending = null;
    this.windowEnd = Date.now() + INTERVAL_MS;
  }

  /**
   * Tells the inbox which staff principals have sockets here (it keeps the list in its SQLite): a
   * deactivation or key revocation asks the inbox, which asks the rooms listed. A join that raced a
   * revocation is answered `true`, and `onRevoked` closes it at once.
   */
  staffPresence(
    meta: RoomMeta,
    principalId: string,
    state: "join" | "leave",
    issuedAtMs: number,
    onRevoked: () => void,
  ): void {
    this.ctx.waitUntil(
      this.inboxOf(meta)
        .staffPresence(meta.conversationId, principalId, state, issuedAtMs)
        .then((revoked) => {
          if (revoked) onRevoked();
        }),
    );
  }

  /** One inbox client while this instance lives: its calls (joins, leaves, events) arrive in order. */
  private inboxOf(meta: RoomMeta): InboxClient {
    if (this.inbox?.tenantId !== meta.tenantId)
      this.inbox = { tenantId: meta.tenantId, client: inboxClient(this.env, meta.tenantId) };
    return this.inbox.client;
  }
}
