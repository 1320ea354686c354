import type { Database } from "../../db/client";
import { channelMessages } from "../../db/schema";
import type { Config } from "../../env";
import { uuidv7 } from "../../lib/ids";
import { type JsonObject, parseJson } from "../../lib/json";
import { describeError, log } from "../../lib/logger";
import type { AnalyticsEventName, AnalyticsFact } from "../analytics/analytics-events";
import type {
  DeliveryState,
  MessagingWindow,
  OutboundMessage,
  SendFailure,
} from "../channels/channel-adapter";
import { channelById, openChannel, setChannelHealth } from "../channels/channel-secrets";
import { templateOf } from "../channels/channel-template";
import { platformFor } from "../channels/platforms";
import type { ServerFrame, StoredMessage } from "./conversations.protocol";
import type { ChannelLink, RoomMeta } from "./room-store";

/** Which channel a room's conversation is on, with whom, and when the customer last wrote (ms). */

export interface ChannelPort {
  meta(): RoomMeta | null;
  saveMeta(meta: RoomMeta): void;
  database(): Database;
  config(): Config;
  env: Env;
  broadcast(frame: ServerFrame): void;
  armAlarm(): Promise<void>;
  /** Queues an analytics fact in the room's outbox (the outbox is the single writer of delivery facts). */
  record(fact: AnalyticsFact): void;
}

const RANK: Record<DeliveryState, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };
const MAX_ATTEMPTS = 8;
const backoffMs = (attempts: number) => Math.min(1000 * 2 ** attempts, 5 * 60_000);
const REPLIES: readonly string[] = ["staff", "integration", "ai"];

/**
 * A channel conversation's outbound queue: staff and AI replies go to the platform one at a time in
 * seq order (so they cannot reorder), retried on 429/5xx after `retry_after` or a backoff (the
 * room's alarm wakes it), each with a delivery state that only moves forward.
 */
export class RoomChannelOutbox {
  private draining: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly port: ChannelPort,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS channel_outbox (
      message_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, text TEXT NOT NULL, human INTEGER NOT NULL,
      state TEXT NOT NULL, code TEXT, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
      platform_id TEXT, updated_at INTEGER NOT NULL, template TEXT, sent_at INTEGER);
      CREATE INDEX IF NOT EXISTS channel_outbox_queued ON channel_outbox (state, seq);`);
    // Rooms from before templates and watermarks lack their columns.
    const columns = sql.exec("SELECT name FROM pragma_table_info('channel_outbox')").toArray();
    for (const column of ["template TEXT", "sent_at INTEGER"])
      if (!columns.some((c) => c.name === column.split(" ")[0]))
        sql.exec(`ALTER TABLE channel_outbox ADD COLUMN ${column}`);
  }

  private link(): ChannelLink | null {
    return this.port.meta()?.channel ?? null;
  }

  /** The window of the next free-form reply (a human's, or the AI's), null off channels. */
  window(human: boolean, now = Date.now()): MessagingWindow | null {
    const link = this.link();
    const platform = link ? platformFor(link.type, this.port.config())?.platform : null;
    return link && platform ? platform.window(link.lastCustomerAt, now, human) : null;
  }

  /** Whether a free-form reply may go out now (always, off channels). */
  isOpen(human: boolean, now = Date.now()): boolean {
    const window = this.window(human, now);
    return (
      !window ||
      (!window.templateRequired && (window.expiresAt === null || Date.parse(window.expiresAt) > now))
    );
  }

  /** The customer wrote at `at` (platform time): the window restarts from there. */
  customerWrote(at: number): void {
    const meta = this.port.meta();
    if (!meta?.channel) return;
    const lastCustomerAt = Math.max(meta.channel.lastCustomerAt ?? 0, at);
    this.port.saveMeta({ ...meta, channel: { ...meta.channel, lastCustomerAt } });
  }

  /**
   * Why a reply by `sender` may not be posted now (WINDOW_CLOSED), or null. What came in from the
   * channel and a template (allowed outside the window) are never refused.
   */
  refusal(senderKind: string, metadata?: JsonObject): string | null {
    if (!this.link() || !REPLIES.includes(senderKind)) return null;
    if (metadata?.channel !== undefined || templateOf(metadata?.template)) return null;
    if (this.isOpen(senderKind !== "ai")) return null;
    this.fact("window_closed", uuidv7(), { at: "post" });
    return "WINDOW_CLOSED: the platform's messaging window is closed; only a template can be sent now";
  }

  /** Queues a stored reply for the platform (messages that came from the channel stay put). */
  posted(message: StoredMessage): void {
    // Only replies go out: never a private note, nor what came in from the channel itself.
    const survey = message.sender.kind === "system" && message.metadata.csat !== undefined;
    if (
      !this.link() ||
      !(survey || REPLIES.includes(message.sender.kind)) ||
      message.kind === "note" ||
      message.metadata.channel !== undefined
    )
      return;
    const now = Date.now();
    const template = templateOf(message.metadata.template);
    this.sql.exec(
      "INSERT OR IGNORE INTO channel_outbox (message_id, seq, text, human, state, next_at, updated_at, template) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
      message.id,
      message.seq,
      message.text,
      message.sender.kind === "staff" || message.sender.kind === "integration" ? 1 : 0,
      now,
      now,
      template ? JSON.stringify(template) : null,
    );
    this.port.broadcast({ type: "delivery", messageId: message.id, seq: message.seq, state: "queued" });
    this.kick();
  }

  /** The next retry's time, for the room's one alarm. */
  nextDeadline(): number | null {
    const row = this.sql.exec("SELECT min(next_at) AS at FROM channel_outbox WHERE state = 'queued'").one();
    return row.at === null ? null : Number(row.at);
  }

  /** The alarm fired: send what is due. */
  async onAlarm(): Promise<void> {
    this.kick();
    await this.draining;
  }

  /** Moves a message's delivery state forward (never back; `failed` is final); returns whether it moved. */
  advance(messageId: string, state: DeliveryState, code?: string): boolean {
    const row = this.sql
      .exec("SELECT seq, state FROM channel_outbox WHERE message_id = ?", messageId)
      .toArray()[0];
    if (!row) return false;
    const current = String(row.state) as DeliveryState;
    if (current === "failed" || (state === "failed" ? current === "read" : RANK[state] <= RANK[current]))
      return false;
    const now = Date.now();
    this.sql.exec(
      "UPDATE channel_outbox SET state = ?, code = ?, updated_at = ?, sent_at = coalesce(sent_at, ?) WHERE message_id = ?",
      state,
      code ?? null,
      now,
      state === "failed" ? null : now,
      messageId,
    );
    this.port.broadcast({
      type: "delivery",
      messageId,
      seq: Number(row.seq),
      state,
      ...(code ? { code } : {}),
    });
    // `failed` is final, so this runs once per message, whether we gave up or the platform reported it.
    if (state === "failed") {
      const [failure, provider] = code?.includes(":") ? code.split(/:(.*)/s) : [undefined, code];
      this.fact("channel_delivery_failed", messageId, {
        code: provider || "unknown",
        failure: failure ?? null,
      });
    }
    return true;
  }

  /**
   * A watermark: every reply sent at or before `at` (platform time) reached `state`; replies still
   * queued, failed, or further along stay as they are.
   */
  watermark(state: "delivered" | "read", at: number): boolean {
    const rows = this.sql
      .exec(
        "SELECT message_id FROM channel_outbox WHERE state IN ('sent', 'delivered') AND sent_at <= ? ORDER BY seq",
        at,
      )
      .toArray();
    let moved = false;
    for (const row of rows) moved = this.advance(String(row.message_id), state) || moved;
    return moved;
  }

  private fact(name: AnalyticsEventName, id: string, dims: AnalyticsFact["dims"]): void {
    const meta = this.port.meta();
    if (!meta) return;
    this.port.record({
      key: `c:${meta.conversationId}:${name}:${id}`,
      name,
      actor: "system",
      at: Date.now(),
      agentId: meta.agentId,
      userId: meta.assigneeId,
      dims,
    });
  }

  /** Messages with their delivery state (REST view). */
  withDelivery(messages: StoredMessage[]): StoredMessage[] {
    if (!this.link() || messages.length === 0) return messages;
    const states = new Map<string, { state: DeliveryState; code?: string }>();
    for (const row of this.sql.exec(
      "SELECT message_id, state, code FROM channel_outbox WHERE seq BETWEEN ? AND ?",
      messages[0]?.seq ?? 0,
      messages.at(-1)?.seq ?? 0,
    ))
      states.set(String(row.message_id), {
        state: String(row.state) as DeliveryState,
        ...(row.code === null ? {} : { code: String(row.code) }),
      });
    return messages.map((m) => {
      const delivery = states.get(m.id);
      return delivery ? { ...m, delivery } : m;
    });
  }

  private kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.again = false;
    this.draining = this.drain()
      .catch((error: unknown) => log("error", "channel outbox drain failed", describeError(error)))
      .finally(() => {
        this.draining = null;
        if (this.again) this.kick();
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const head = this.sql
        .exec("SELECT * FROM channel_outbox WHERE state = 'queued' ORDER BY seq LIMIT 1")
        .toArray()[0];
      if (!head) return;
      if (Number(head.next_at) > Date.now()) return this.port.armAlarm();
      await this.sendOne(head);
    }
  }

  private async sendOne(head: Record<string, SqlStorageValue>): Promise<void> {
    const messageId = String(head.message_id);
    const attempts = Number(head.attempts);
    const human = Number(head.human) === 1;
    const template = head.template === null ? null : templateOf(parseJson(String(head.template)));
    const meta = this.port.meta();
    const link = meta?.channel;
    if (!meta || !link) return void this.advance(messageId, "failed", "not_a_channel");
    const db = this.port.database();
    const config = this.port.config();
    const row = await channelById(db, link.id);
    const entry = platformFor(link.type, config);
    if (!row || !entry)
      return this.fail(messageId, "UNDELIVERABLE", row ? "platform_unavailable" : "channel_deleted");
    if (row.status === "reauth_required") return this.fail(messageId, "TOKEN_INVALID", "reauth_required");
    if (row.status === "disabled") return this.fail(messageId, "UNDELIVERABLE", "channel_disabled");
    // A template is what may still go out once the window has closed (WhatsApp).
    if (!template && !this.isOpen(human)) return this.fail(messageId, "WINDOW_CLOSED", "window_closed");
    // A human's Messenger/Instagram reply past the AI's 24 h goes with the HUMAN_AGENT tag.
    const message: OutboundMessage = template
      ? { kind: "template", ...template }
      : { kind: "text", text: String(head.text), humanAgent: human && !this.isOpen(false) };
    const opened = await openChannel(row, config.ENCRYPTION_KEY);
    const result = await entry.platform
      .send(opened.config, entry.apiBase(config, opened.config), link.contactRef, message, messageId)
      .catch((error: unknown) => {
        log("warn", "channel send failed", { channelId: link.id, messageId, ...describeError(error) });
        return null;
      });
    if (result === null) return this.retry(messageId, attempts, backoffMs(attempts), "unavailable");
    if (result.ok) {
      this.sql.exec(
        "UPDATE channel_outbox SET platform_id = ? WHERE message_id = ?",
        result.platformMessageId,
        messageId,
      );
      this.advance(messageId, "sent");
      if (template) this.fact("template_sent", messageId, { template: template.name });
      await db
        .insert(channelMessages)
        .values({
          channelId: link.id,
          direction: "out",
          platformId: result.platformMessageId,
          tenantId: meta.tenantId,
          conversationId: meta.conversationId,
          messageId,
        })
        .onConflictDoNothing()
        .catch((error: unknown) =>
          log("warn", "outbound id not recorded", { messageId, ...describeError(error) }),
        );
      return;
    }
    if (result.failure === "RATE_LIMITED")
      return this.retry(messageId, attempts, result.retryAfterMs ?? backoffMs(attempts), result.code);
    if (result.failure === "TOKEN_INVALID")
      await setChannelHealth(db, this.port.env, row, "reauth_required", result.code);
    return this.fail(messageId, result.failure, result.code);
  }

  private fail(messageId: string, failure: SendFailure, code: string): void {
    log("warn", "channel message failed", { messageId, failure, code });
    if (failure === "WINDOW_CLOSED") this.fact("window_closed", messageId, { at: "send" });
    this.advance(messageId, "failed", `${failure}:${code}`);
  }

  private async retry(messageId: string, attempts: number, delayMs: number, code: string): Promise<void> {
    if (attempts + 1 >= MAX_ATTEMPTS)
      return this.fail(messageId, code === "unavailable" ? "UNDELIVERABLE" : "RATE_LIMITED", code);
    this.sql.exec(
      "UPDATE channel_outbox SET attempts = ?, next_at = ?, code = ? WHERE message_id = ?",
      attempts + 1,
      Date.now() + delayMs,
      code,
      messageId,
    );
    await this.port.armAlarm();
  }
}
