import { DurableObject } from "cloudflare:workers";
import type { Database } from "../../db/client";
import type { PlanActor, ConversationStatus as Status } from "../../db/schema";
import { loadConfig } from "../../env";
import { refusal } from "../../lib/errors";
import { parseJson } from "../../lib/json";
import type { AgentContext } from "../ai/answer";
import type { ApproveOptions, PlanOutcome, ProposeInput, RoomPlans } from "../plans/room-plans";
import {
  type AiUsageRecord,
  type ChannelInbound,
  type ChatTurn,
  JOIN_HEADER,
  type PostResult,
  RoomJoin,
  type RoomPost,
  type Sender,
} from "./conversations.protocol";
import type { RoomAi } from "./room-ai";
import { RoomAlarm } from "./room-alarm";
import type { RoomAnalytics } from "./room-analytics";
import { type AttachmentRef, RoomAttachments } from "./room-attachments";
import type { RoomChannelOutbox } from "./room-channel-outbox";
import { RoomInboxFeed } from "./room-inbox-feed";
import type { RoomOutbox } from "./room-outbox";
import { roomParts } from "./room-parts";
import { RoomPool } from "./room-pool";
import { ackFor, RoomSockets, readFrame } from "./room-sockets";
import {
  changeStatus,
  type StatusExtra,
  type StatusParts,
  statusAfterPost,
  statusAtAlarm,
  statusDeadline,
} from "./room-status";
import { type RoomInit, RoomStore, type StoredMessage } from "./room-store";

const CLOSED: readonly string[] = ["resolved", "expired"];

/** One conversation: the single writer of its messages (stored with their outbox row, then broadcast). */
export class ConversationRoom extends DurableObject<Env> {
  private store: RoomStore;
  private readonly ai: RoomAi;
  private readonly plans: RoomPlans;
  private readonly analytics: RoomAnalytics;
  private readonly pool = new RoomPool();
  private readonly alarmClock = new RoomAlarm(this.ctx.storage);
  private readonly sockets = new RoomSockets(this.ctx);
  private readonly inbox = new RoomInboxFeed(this.ctx, this.env);
  private readonly outboxCopy: RoomOutbox;
  private readonly statusParts: StatusParts;
  /** Hands the conversation to a person (room-handoff.ts). */
  private readonly handoff: (reason: string, agent: AgentContext["agent"] | null) => Promise<void>;
  private readonly channel: RoomChannelOutbox;
  private files = new RoomAttachments(this.ctx.storage.sql);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    ({
      outboxCopy: this.outboxCopy,
      analytics: this.analytics,
      channel: this.channel,
      plans: this.plans,
      ai: this.ai,
      statusParts: this.statusParts,
      handoff: this.handoff,
    } = roomParts(ctx, env, {
      store: () => this.store,
      sockets: this.sockets,
      inbox: this.inbox,
      config: () => this.databaseConfig(),
      database: () => this.database(),
      post: (sender, post) => this.post(sender, post),
      recordUsage: (usage) => void this.recordUsage(usage),
      armAlarm: () => this.armAlarm(),
      changeStatus: (status, assigneeId, reason) => this.changeStatus(status, assigneeId, reason),
      destroy: () => this.destroy(),
    }));
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    ctx.blockConcurrencyWhile(async () => {
      await this.ai.repairInterrupted();
      await this.plans.repairInterrupted();
    });
  }

  /** Creates the room for a new conversation (idempotent). */
  async init(room: RoomInit) {
    if (this.store.meta()) return;
    this.store.saveMeta({
      ...room,
      assigneeId: null,
      lastActivityAt: Date.now(),
      flushAttempts: 0,
      nextFlushAt: null,
    });
    this.analytics.created(this.store.meta(), Date.now());
    await this.armAlarm();
  }

  /** Accepts a WebSocket whose ticket the Worker verified; replays after `after`, then `ready`. */
  override async fetch(request: Request): Promise<Response> {
    const parsed = RoomJoin.safeParse(parseJson(request.headers.get(JOIN_HEADER)));
    if (!parsed.success) return refusal(400, "bad_request", "Invalid room join");
    const { tenantId, participant, ticketIssuedAtMs, after, stream } = parsed.data;
    const meta = this.store.meta();
    // The Worker checked the ticket (no database round trip per join); the tenant must match too.
    if (!meta || meta.tenantId !== tenantId) return refusal(404, "not_found", "Conversation not found");
    const { client, server } = this.sockets.accept(participant);
    // Replay and `ready` go out in this same synchronous turn, so no live message can slip between.
    this.store.replay(after, participant.kind !== "visitor", (m) => server.send(JSON.stringify(m)));
    this.ai.replayActive(server, stream?.id ?? null, stream?.from ?? 0);
    this.plans.replayPending(server);
    this.analytics.replay((frame) => this.sockets.send(server, frame));
    this.sockets.send(server, { type: "ready", lastSeq: this.store.lastSeq() });
    this.sockets.presence(participant, "join");
    if (participant.kind !== "visitor")
      this.inbox.staffPresence(meta, participant.id, "join", ticketIssuedAtMs, () =>
        this.sockets.closeParticipant(participant.id),
      );
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Stores, broadcasts and acks one message (a known clientId: the original); a note stays with staff. */
  async post(sender: Sender, input: RoomPost, origin?: WebSocket): Promise<PostResult> {
    const meta = this.store.meta();
    const metadata = this.files.metadata(input);
    if (!meta || !metadata)
      return { ok: false, code: "not_found", message: `${meta ? "Attachment" : "Conversation"} not found` };
    const { kind = "message" } = input;
    // Off the channel's window a reply is refused before anything is stored (a note never goes out).
    const windowClosed = kind === "note" ? null : this.channel.refusal(sender.kind, input.metadata);
    if (windowClosed) return { ok: false, code: "conflict", message: windowClosed };
    if (input.usage) await this.recordUsage(input.usage, true);
    // The insert itself finds a resend (its clientId taken): no lookup before every message.
    // A note may still go on a closed conversation (staff record what happened after).
    const message =
      CLOSED.includes(meta.status) && kind !== "note"
        ? null
        : this.store.append(sender, input.text, input.clientId, metadata, Date.now(), kind);
    if (!message) {
      // A resend gets the original (also once closed); a new message to a closed conversation is refused.
      const original = input.clientId ? this.store.byClientId(input.clientId) : null;
      if (original) return { ok: true, duplicate: true, message: original };
      return { ok: false, code: "conflict", message: `Conversation is ${meta.status}; resume it first` };
    }
    // Its status frame precedes the message (e.g. the AI steps back before a staff reply shows).
    const next = statusAfterPost(meta, sender, kind, Date.now());
    if (next) this.changeStatus(next.status, next.assigneeId, next.reason);
    this.analytics.message(this.store.meta() ?? meta, message);
    this.sockets.broadcast(message, { ackTo: origin });
    this.channel.posted(message);
    if (sender.kind === "visitor") this.ai.schedule();
    this.inbox.message(meta, message);
    // Woken from a snooze: its alarm goes with it.
    await (meta.status === "snoozed" && next ? this.armAlarm() : this.armFlush());
    return { ok: true, duplicate: false, message };
  }

  /** A message from a messaging channel (the channel consumer's door). */
  async receive(input: ChannelInbound): Promise<PostResult> {
    if (input.fromCustomer) this.channel.customerWrote(input.at);
    return this.post(input.sender, input);
  }

  /** Whether a channel message is here already (a redelivery is skipped before its media is fetched). */
  knows(clientId: string): boolean {
    return this.store.byClientId(clientId) !== null;
  }

  /** A platform's delivery status for one of our replies (only ever moves it forward). */
  delivery(messageId: string, state: "sent" | "delivered" | "read" | "failed", code?: string): boolean {
    return this.channel.advance(messageId, state, code);
  }
  /** A watermark: every reply sent at or before `at` was delivered/read (forward only). */
  watermark(state: "delivered" | "read", at: number): boolean {
    return this.channel.watermark(state, at);
  }

  /** The messaging window of a channel conversation (for a human's reply), null off channels. */
  channelWindow() {
    return this.channel.window(true);
  }

  /** A file uploaded to this conversation: messages may name it from now on. */
  attach(ref: AttachmentRef): void {
    if (this.store.meta()) this.files.add(ref);
  }

  /** Reads answer for their tenant only (null: not this tenant's), so REST asks no one else first. */
  history(
    tenantId: string,
    query: { after?: number; before?: number; limit: number },
  ): StoredMessage[] | null {
    if (this.store.meta()?.tenantId !== tenantId) return null;
    return this.channel.withDelivery(this.store.range(query.after, query.before, query.limit));
  }

  message(tenantId: string, id: string): StoredMessage | null {
    const found = this.store.meta()?.tenantId === tenantId ? this.store.byId(id) : null;
    return found ? (this.channel.withDelivery([found])[0] ?? found) : null;
  }

  /** Records that `participant` has read up to `seq` and tells the room. */
  async read(participant: Sender, seq: number): Promise<{ seq: number } | null> {
    const meta = this.store.meta();
    if (!meta) return null;
    const capped = Math.min(seq, this.store.lastSeq());
    if (this.store.markRead(`${participant.kind}:${participant.id}`, capped, Date.now())) {
      this.sockets.broadcast({ type: "read", participant, seq: capped });
      await this.armFlush();
    }
    return { seq: capped };
  }

  /** Changes status/assignee (a snooze's end, the team) from REST; handed back, the AI answers what came in. */
  async setStatus(status: Status, assigneeId: string | null, reason?: string, change: StatusExtra = {}) {
    const before = this.store.meta()?.status;
    if (!before) return null;
    this.changeStatus(status, assigneeId, reason, change);
    if (status === "open" && (before === "pending_human" || before === "with_human")) this.ai.schedule();
    await this.armAlarm();
    return { lastSeq: this.store.lastSeq() };
  }

  /** Stores a plan the agent proposes (it waits here for approval until it expires). */
  async proposePlan(input: ProposeInput): Promise<PlanOutcome> {
    return this.plans.propose(input);
  }

  /** Approves a pending plan once (with the approver's edits) and runs it; resolves when it has run. */
  async approvePlan(planId: string, by: PlanActor, options: ApproveOptions): Promise<PlanOutcome> {
    return this.plans.approve(planId, by, options);
  }

  async rejectPlan(planId: string, by: PlanActor, reason: string | null): Promise<PlanOutcome> {
    return this.plans.reject(planId, by, reason);
  }

  plan(planId: string) {
    return this.plans.get(planId);
  }

  /** A `/chat/completion` turn in one call: posts its messages, then the pending plan (held here) and the history. */
  async chatTurn(posts: { sender: Sender; post: RoomPost }[], historyLimit: number): Promise<ChatTurn> {
    for (const { sender, post } of posts) {
      const posted = await this.post(sender, post);
      if (!posted.ok) return posted;
    }
    // The AI's history: private notes are not part of the conversation.
    const history = this.store.range(undefined, undefined, historyLimit, false);
    return { ok: true, pendingPlanId: this.plans.pendingId(), history };
  }

  /** Records a model call for this conversation (the one writer of AI usage); `copyNow`: in Postgres at once. */
  async recordUsage(usage: AiUsageRecord, copyNow = false): Promise<void> {
    if (this.store.recordUsage(usage, Date.now())) await (copyNow ? this.flushNow() : this.armFlush());
  }

  /** The satisfaction survey sent at the last resolution (null: none); `answeredId` marks it answered. */
  csat(answeredId?: string) {
    return this.analytics.csat(answeredId);
  }

  /** Resolves once no AI reply is running. */
  async aiIdle(): Promise<void> {
    await this.ai.idle();
  }

  /** Every status change goes through room-status.ts (meta, outbox, sockets, inbox). */
  private changeStatus(status: Status, assigneeId: string | null, reason?: string, change: StatusExtra = {}) {
    changeStatus(this.statusParts, { status, assigneeId, reason, ...change });
  }

  info() {
    const meta = this.store.meta();
    return meta ? { ...meta, lastSeq: this.store.lastSeq(), outbox: this.store.outboxStats() } : null;
  }

  /** Deletes the room's history and closes its sockets (the conversation was deleted). */
  async destroy(): Promise<void> {
    this.sockets.closeAll(4404, "conversation deleted");
    await this.alarmClock.clear();
    await this.ctx.storage.deleteAll();
    // This instance may still be asked things (e.g. a late request): give it empty tables.
    this.store = new RoomStore(this.ctx.storage.sql);
    this.files = new RoomAttachments(this.ctx.storage.sql);
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const participant = this.sockets.participantOf(ws);
    if (!participant) return;
    const f = readFrame(data, participant);
    if (f.type === "error") return this.sockets.send(ws, f);
    if (f.type === "ping") return this.sockets.send(ws, { type: "pong" });
    if (f.type === "read") return void (await this.read(participant, f.seq));
    if (f.type === "typing")
      return this.inbox.typing(
        this.store.meta(),
        this.sockets.typing(ws, participant, f.on),
        participant,
        f.on,
      );
    if (f.type === "approve" || f.type === "reject") return this.plans.onFrame(ws, participant, f);
    if (f.type === "handoff") return this.handoff("the visitor asked for a person", null);
    const { clientId, text, kind, attachmentIds } = f;
    const result = await this.post(participant, { clientId, text, kind, attachmentIds }, ws);
    if (!result.ok)
      return this.sockets.send(ws, { type: "error", code: result.code, message: result.message });
    // A fresh message's ack was sent before its broadcast (in post); a duplicate gets its ack only.
    if (result.duplicate) this.sockets.send(ws, ackFor(result.message));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const participant = this.sockets.release(ws, code);
    const meta = this.store.meta();
    if (
      meta &&
      participant &&
      participant.kind !== "visitor" &&
      !this.sockets.hasStaffSocket(participant.id, ws)
    )
      this.inbox.staffPresence(meta, participant.id, "leave", 0, () => {});
  }

  /** Closes a deactivated user's or revoked API key's sockets (asked by the tenant's inbox). */
  closeParticipant(principalId: string): number {
    return this.sockets.closeParticipant(principalId);
  }

  /** The tenant's webhook endpoints changed (its inbox tells every room that keeps their event types). */
  webhooksChanged(): void {
    this.inbox.webhooksChanged();
  }

  /** The outbox as a tenant admin sees it: what waits, and what Postgres refused for good and why. */
  outbox(limit: number) {
    return this.outboxCopy.view(limit);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  /** Flushes the outbox to Postgres (with backoff while it is down) and expires idle conversations. */
  override async alarm(): Promise<void> {
    this.alarmClock.fired();
    let meta = this.store.meta();
    if (!meta) return;
    const now = Date.now();
    const change = statusAtAlarm(meta, now, this.store.idleDeadline(meta));
    if (change) this.changeStatus(change.status, meta.assigneeId, change.reason);
    meta = this.store.meta() ?? meta;
    this.inbox.release(meta);
    await this.plans.onAlarm();
    this.analytics.onAlarm(meta, now);
    await this.channel.onAlarm();
    // While Postgres is down, only the backoff's own deadline retries (not a wake for the inbox).
    if (this.store.pendingCount() > 0 && now >= (meta.nextFlushAt ?? 0)) await this.outboxCopy.flush(meta);
    await this.armAlarm();
  }

  /** Copies the outbox to Postgres now (one drain at a time), e.g. before a row refers to a message. */
  async flushNow(): Promise<{ pending: number }> {
    const meta = this.store.meta();
    if (meta && this.store.pendingCount() > 0) await this.outboxCopy.flush(meta);
    return { pending: this.store.pendingCount() };
  }

  /** Where the outbox goes. A seam for tests that simulate a Postgres outage. */
  protected databaseConfig() {
    return loadConfig(this.env);
  }

  private database(): Database {
    return this.pool.db(this.databaseConfig());
  }

  /** Arms the one alarm at the earliest deadline: the next flush, idle expiry or snooze's end, the inbox, a plan. */
  private async armAlarm(): Promise<void> {
    const meta = this.store.meta();
    if (!meta) return;
    await this.alarmClock.arm([
      this.store.pendingCount() > 0 ? (meta.nextFlushAt ?? this.outboxCopy.dueAt()) : null,
      statusDeadline(meta, this.store.idleDeadline(meta)),
      this.inbox.deadline(),
      this.plans.nextDeadline(),
      this.analytics.deadline(),
      this.channel.nextDeadline(),
    ]);
  }

  /** After a write that only adds to the outbox or the inbox throttle: an alarm set by then stays. */
  private async armFlush(): Promise<void> {
    const flushAt = this.store.meta()?.nextFlushAt ?? this.outboxCopy.dueAt();
    if (this.alarmClock.setBy(Math.min(flushAt, this.inbox.deadline() ?? Number.POSITIVE_INFINITY))) return;
    await this.armAlarm();
  }
}
