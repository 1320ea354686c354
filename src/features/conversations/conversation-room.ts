import { DurableObject } from "cloudflare:workers";
import type { Database } from "../../db/client";
import type { ConversationStatus, PlanActor } from "../../db/schema";
import { loadConfig } from "../../env";
import { refusal } from "../../lib/errors";
import type { JsonObject } from "../../lib/json";
import { parseJson } from "../../lib/json";
import type { AgentContext } from "../ai/answer";
import { agentBusinessHours, handoffMessage } from "../ai/handoff";
import { notifyWaiting } from "../notifications/notifications.jobs";
import { type ApproveOptions, type PlanOutcome, type ProposeInput, RoomPlans } from "../plans/room-plans";
import { autoAssignee } from "../teams/auto-assign";
import {
  type AiUsageRecord,
  JOIN_HEADER,
  type PostInput,
  type PostResult,
  RoomJoin,
  type Sender,
  type ServerFrame,
} from "./conversations.protocol";
import { RoomAi } from "./room-ai";
import { RoomAlarm } from "./room-alarm";
import { type AttachmentRef, RoomAttachments } from "./room-attachments";
import { RoomInboxFeed } from "./room-inbox-feed";
import { FLUSH_DELAY_MS, RoomOutbox } from "./room-outbox";
import { RoomPool } from "./room-pool";
import { ackFor, RoomSockets, readFrame, VISITOR_ONLY } from "./room-sockets";
import { type RoomInit, type RoomMeta, RoomStore, type StoredMessage, type TeamId } from "./room-store";

const CLOSED: readonly string[] = ["resolved", "expired"];
const SYSTEM: Sender = { kind: "system", id: "switchboard" };

/**
 * One conversation: the single writer of its messages. Each accepted message is stored with its
 * outbox row, broadcast, acked, and later copied to Postgres by the alarm.
 */
export class ConversationRoom extends DurableObject<Env> {
  private store: RoomStore;
  private readonly ai: RoomAi;
  private readonly plans: RoomPlans;
  private readonly pool = new RoomPool();
  private readonly alarmClock = new RoomAlarm(this.ctx.storage);
  private readonly sockets = new RoomSockets(this.ctx);
  private readonly inbox = new RoomInboxFeed(this.ctx, this.env);
  private readonly outboxCopy: RoomOutbox;
  private files = new RoomAttachments(this.ctx.storage.sql);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    this.outboxCopy = new RoomOutbox({
      store: () => this.store,
      database: () => this.database(),
      gone: () => this.destroy(),
      report: (meta, stats) =>
        this.inbox.publish(meta, { type: "outbox", conversationId: meta.conversationId, ...stats }),
    });
    // What the AI and the plans both need of their room.
    const room = {
      meta: () => this.store.meta(),
      config: () => this.databaseConfig(),
      database: () => this.database(),
      broadcast: (frame: ServerFrame) => this.sockets.broadcast(frame),
      send: (ws: WebSocket, frame: ServerFrame) => this.sockets.send(ws, frame),
      append: async (sender: Sender, text: string, metadata: JsonObject) => {
        const result = await this.post(sender, { text, metadata });
        return result.ok ? { id: result.message.id, seq: result.message.seq } : null;
      },
      recordUsage: (usage: AiUsageRecord) => void this.recordUsage(usage),
    };
    this.ai = new RoomAi(ctx.storage.sql, {
      ...room,
      history: (limit) => this.store.recent(limit),
      lastSeq: () => this.store.lastSeq(),
      handoff: (reason, agent) => this.handoff(reason, agent),
      plan: (ctx, history) => this.plans.fromConversation(ctx, history, this.store.lastVisitor()),
    });
    this.plans = new RoomPlans(ctx.storage.sql, {
      ...room,
      armAlarm: () => this.armAlarm(),
      notify: (event) => this.inbox.publish(this.store.meta(), event),
    });
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
    this.store.replay(after, (message) => server.send(JSON.stringify(message)));
    this.ai.replayActive(server, stream?.id ?? null, stream?.from ?? 0);
    this.plans.replayPending(server);
    this.sockets.send(server, { type: "ready", lastSeq: this.store.lastSeq() });
    this.sockets.presence(participant, "join");
    if (participant.kind !== "visitor")
      this.inbox.staffPresence(meta, participant.id, "join", ticketIssuedAtMs, () =>
        this.sockets.closeParticipant(participant.id),
      );
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Stores, broadcasts and acks one message; a known clientId returns the original instead. */
  async post(sender: Sender, input: PostInput, origin?: WebSocket): Promise<PostResult> {
    const meta = this.store.meta();
    const metadata = this.files.metadata(input);
    if (!meta || !metadata)
      return { ok: false, code: "not_found", message: `${meta ? "Attachment" : "Conversation"} not found` };
    // The insert itself finds a resend (its clientId taken): no lookup before every message.
    const message = CLOSED.includes(meta.status)
      ? null
      : this.store.append(sender, input.text, input.clientId, metadata, Date.now());
    if (!message) {
      // A resend gets the original (also once closed); a new message to a closed conversation is refused.
      const original = input.clientId ? this.store.byClientId(input.clientId) : null;
      if (original) return { ok: true, duplicate: true, message: original };
      return { ok: false, code: "conflict", message: `Conversation is ${meta.status}; resume it first` };
    }
    // The business replying owns the conversation: the AI steps back (its status frame precedes the
    // message). A staff user becomes the assignee if there is none; an integration is never one.
    if (
      (sender.kind === "staff" || sender.kind === "integration") &&
      (meta.status === "open" || meta.status === "pending_human")
    ) {
      this.changeStatus("with_human", meta.assigneeId ?? (sender.kind === "staff" ? sender.id : null));
    }
    this.sockets.broadcast(message, { ackTo: origin });
    if (sender.kind === "visitor") this.ai.schedule();
    this.inbox.message(meta, message);
    await this.armFlush();
    return { ok: true, duplicate: false, message };
  }

  /** A file uploaded to this conversation: messages may name it from now on. */
  attach(ref: AttachmentRef): void {
    if (this.store.meta()) this.files.add(ref);
  }

  history(query: { after?: number; before?: number; limit: number }): StoredMessage[] | null {
    if (!this.store.meta()) return null;
    return this.store.range(query.after, query.before, query.limit);
  }

  message(id: string): StoredMessage | null {
    return this.store.byId(id);
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

  /**
   * Changes status/assignee (and team, unless undefined) from REST and tells everyone in the room.
   * Handed back from a human, the AI answers the visitor messages that came in meanwhile.
   */
  async setStatus(status: ConversationStatus, assigneeId: string | null, reason?: string, teamId?: TeamId) {
    const before = this.store.meta()?.status;
    if (!before) return null;
    this.changeStatus(status, assigneeId, reason, teamId);
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

  /** The plan waiting for approval here, if any: the room holds it (Postgres only mirrors it). */
  pendingPlanId(): string | null {
    return this.plans.pendingId();
  }

  /** Records a model call for this conversation (the one writer of AI usage); `copyNow`: in Postgres at once. */
  async recordUsage(usage: AiUsageRecord, copyNow = false): Promise<void> {
    if (this.store.recordUsage(usage, Date.now())) await (copyNow ? this.flushNow() : this.armFlush());
  }

  /** Resolves once no AI reply is running. */
  async aiIdle(): Promise<void> {
    await this.ai.idle();
  }

  /**
   * The single place status changes: meta, the Postgres copy (outbox), the room and the inbox.
   * Anything but `open` stops the AI.
   */
  private changeStatus(
    status: ConversationStatus,
    assigneeId: string | null,
    reason?: string,
    team?: TeamId,
  ) {
    const meta = this.store.meta();
    if (!meta) return;
    if (status !== "open")
      this.ai.cancel(status === "with_human" ? "a human took over" : `conversation is ${status}`);
    const now = Date.now();
    const teamId = team === undefined ? (meta.teamId ?? null) : team;
    this.store.saveMeta({ ...meta, status, assigneeId, teamId, lastActivityAt: now });
    this.store.enqueue("status", { status, assigneeId, teamId, at: now }, now);
    const change = { status, assigneeId, teamId, ...(reason ? { reason } : {}) };
    this.sockets.broadcast({ type: "status", ...change });
    this.inbox.publish(meta, { type: "conversation.status", conversationId: meta.conversationId, ...change });
  }

  /** Hands an AI-answered conversation to a person: pending_human, a system message, the inbox told. */
  private async handoff(reason: string, agent: AgentContext["agent"] | null): Promise<void> {
    const meta = this.store.meta();
    if (meta?.status !== "open") return;
    this.changeStatus("pending_human", meta.assigneeId, reason);
    this.ai.markAnswered();
    // Round-robin within its team, else staff are emailed if nobody is online; then the visitor is told.
    const assignee = meta.assigneeId ?? (await autoAssignee({ db: this.database(), env: this.env }, meta));
    if (assignee && !meta.assigneeId) this.changeStatus("with_human", assignee, "auto-assigned");
    else await notifyWaiting(this.env, { ...meta, assigneeId: assignee });
    const hours = agent
      ? agent.businessHours
      : await agentBusinessHours({ db: this.database(), config: this.databaseConfig() }, meta);
    await this.post(SYSTEM, { text: handoffMessage(hours), metadata: { handoff: true, reason } });
    await this.armAlarm();
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
    const f = readFrame(data);
    if (f.type === "error") return this.sockets.send(ws, f);
    if (f.type === "ping") return this.sockets.send(ws, { type: "pong" });
    if (f.type === "read") {
      await this.read(participant, f.seq);
      return;
    }
    if (f.type === "typing") return this.typing(ws, participant, f.on);
    if (f.type === "approve" || f.type === "reject") return this.plans.onFrame(ws, participant, f);
    if (f.type === "handoff") {
      if (participant.kind !== "visitor") return this.sockets.send(ws, VISITOR_ONLY);
      return this.handoff("the visitor asked for a person", null);
    }
    const result = await this.post(participant, f, ws);
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
    if (!CLOSED.includes(meta.status) && now >= this.idleDeadline(meta)) {
      this.changeStatus("expired", meta.assigneeId, "idle");
      meta = this.store.meta() ?? meta;
    }
    this.inbox.release(meta);
    await this.plans.onAlarm();
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

  /** Idle expiry: the timeout after the last message or status change. */
  private idleDeadline(meta: RoomMeta): number {
    return Math.max(meta.lastActivityAt, this.store.lastMessageAt()) + meta.idleTimeoutSeconds * 1000;
  }

  /** Arms the one alarm at the earliest deadline: the next flush, idle expiry, the inbox, a plan. */
  private async armAlarm(): Promise<void> {
    const meta = this.store.meta();
    if (!meta) return;
    await this.alarmClock.arm([
      this.store.pendingCount() > 0 ? (meta.nextFlushAt ?? Date.now() + FLUSH_DELAY_MS) : null,
      CLOSED.includes(meta.status) ? null : this.idleDeadline(meta),
      this.inbox.deadline(),
      this.plans.nextDeadline(),
    ]);
  }

  /**
   * After a write that only adds to the outbox (a message, a receipt) and maybe the inbox throttle: an
   * alarm already set to fire by those deadlines stays, without recomputing the others (a write never
   * brings them closer).
   */
  private async armFlush(): Promise<void> {
    const flushAt = this.store.meta()?.nextFlushAt ?? Date.now() + FLUSH_DELAY_MS;
    const inboxDue = this.inbox.deadline();
    if (this.alarmClock.setBy(inboxDue === null ? flushAt : Math.min(flushAt, inboxDue))) return;
    await this.armAlarm();
  }

  private typing(ws: WebSocket, participant: Sender, on: boolean): void {
    const meta = this.store.meta();
    if (this.sockets.typing(ws, participant, on) && meta)
      this.inbox.publish(meta, { type: "typing", conversationId: meta.conversationId, participant, on });
  }
}
