import { uuidv7 } from "../../lib/ids";
import type { JsonObject } from "../../lib/json";
import type { AnalyticsFact } from "../analytics/analytics-events";
import { CSAT_QUESTION } from "../analytics/csat-questions";
import type { ServerFrame, StoredMessage } from "./conversations.protocol";
import type { RoomMeta } from "./room-store";

/** After the AI's last answer, this long without the customer coming back makes it an assumed resolution. */
export const ASSUMED_RESOLUTION_MS = 24 * 3600_000;
const CLOSED: readonly string[] = ["resolved", "expired"];
const WITH_A_PERSON: readonly string[] = ["pending_human", "with_human"];
/** The handoff reason the room gives when the visitor asked (button or words): the customer, not the AI, decided. */
export const VISITOR_ASKED = "the visitor asked for a person";

/** The clocks behind the conversation's metrics (docs/analytics-events.md), kept in the room's SQLite. */
interface Clocks {
  /** Counter for the keys of facts that have no id of their own (status changes, assumptions). */
  n: number;
  /** The human first-response clock restarts at the start, each AI→human handoff and each reopen. */
  anchor: "start" | "handoff" | "reopen";
  anchorAt: number;
  /** The first customer message since the anchor that the AI did not answer (where the clock starts). */
  frtFrom: number | null;
  frtDone: boolean;
  /** The oldest customer message no one has answered since (for a human reply's reply time). */
  waitingSince: number | null;
  resolutionFrom: number;
  reopens: number;
  /** The AI's last answer while it owns the conversation: 24 h later it is an assumed resolution. */
  aiAnsweredAt: number | null;
  aiResolved: "confirmed" | "assumed" | null;
  assumedKey: string | null;
  survey: { id: string; sentAt: number; answered: boolean } | null;
  /** Since when the AI owns the conversation (open with an AI agent), and its finished stretches this cycle. */
  aiSince?: number | null;
  aiSpans?: [number, number][];
  /** Whether a person replied since the start or the latest reopen (human-only resolution time). */
  humanHandled?: boolean;
}

/** What the analytics need from their room. */
export interface AnalyticsPort {
  /** Queues a fact in the room's outbox (copied to analytics_events with the conversation's channel). */
  record(fact: AnalyticsFact): void;
  broadcast(frame: ServerFrame): void;
  /** Asks the survey: the widget shows the frame; a channel gets the question as a message if its window is open (false: not sent). */
  survey(surveyId: string, now: number): boolean;
}

/**
 * The room as the single writer of its conversation's facts: every message and status change moves
 * the clocks and records the events they complete, through the room's outbox (idempotent by key).
 */
export class RoomAnalytics {
  private cached: Clocks | undefined;
  // The clocks as stored: most messages move none of them, and then cost no write.
  private stored: string | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly port: AnalyticsPort,
  ) {
    sql.exec("CREATE TABLE IF NOT EXISTS analytics_clocks (id INTEGER PRIMARY KEY, clocks TEXT NOT NULL)");
  }

  /** The conversation was created (the room initialised). */
  created(meta: RoomMeta | null, now: number): void {
    if (!meta) return;
    this.update(now, (c) => {
      this.fact(meta, { key: "created", name: "conversation_created", actor: "system", at: now });
      c.aiSince = meta.agentId && meta.status === "open" ? now : null;
    });
  }

  /** A message was stored (not a resend). */
  message(meta: RoomMeta, message: StoredMessage): void {
    const at = Date.parse(message.createdAt);
    const { kind, id } = message.sender;
    const metadata = message.metadata;
    this.update(at, (c) => {
      if (kind === "visitor") {
        this.fact(meta, { key: `in:${message.id}`, name: "message_in", actor: "human", at });
        // Back within 24 h: no assumption; back after it, asking again: the assumption is revoked.
        this.revokeAssumed(meta, c, at, "customer_returned");
        c.aiAnsweredAt = null;
        c.waitingSince ??= at;
        if (!c.frtDone) c.frtFrom ??= at;
      } else if (kind === "ai") {
        if (metadata.greeting === true) return; // a greeting answers nothing
        this.fact(meta, { key: `reply:${message.id}`, name: "reply", actor: "ai", at, agentId: id });
        if (metadata.planId === undefined) {
          const citations = Array.isArray(metadata.citations) ? metadata.citations.length : 0;
          const dims = { citations, ...(typeof metadata.mode === "string" ? { mode: metadata.mode } : {}) };
          this.fact(meta, { key: `ai:${message.id}`, name: "ai_answer", actor: "ai", at, agentId: id, dims });
          if (meta.status === "open") c.aiAnsweredAt = at;
        }
        // What the AI answered is not waiting for a person: bot time never counts as human time.
        c.waitingSince = null;
        if (!c.frtDone) c.frtFrom = null;
      } else if (kind === "staff") {
        const reply = { key: `reply:${message.id}`, name: "reply", actor: "human", at, userId: id } as const;
        this.fact(meta, { ...reply, from: c.waitingSince });
        const from = c.frtFrom ?? (c.anchor === "start" ? null : c.anchorAt);
        if (!c.frtDone && from !== null) {
          this.fact(meta, { ...reply, key: `frt:${message.id}`, name: "first_human_reply", from });
          c.frtDone = true;
        }
        c.waitingSince = null;
        c.aiAnsweredAt = null;
        c.humanHandled = true;
      } else if (kind === "integration") {
        // An API key may be a script: automation, never a human reply.
        const dims = { via: "integration" };
        this.fact(meta, { key: `reply:${message.id}`, name: "reply", actor: "system", at, dims });
      }
    });
  }

  /** The status changed from `before` to `meta.status` (already saved). */
  status(meta: RoomMeta, before: string, reason: string | undefined, now: number): void {
    const after = meta.status;
    this.update(now, (c) => {
      const numbered = (name: string) => `${name}:${++c.n}`;
      if (CLOSED.includes(before) && !CLOSED.includes(after)) {
        c.reopens++;
        this.fact(meta, {
          key: numbered("reopened"),
          name: "conversation_reopened",
          actor: "system",
          at: now,
        });
        Object.assign(c, restart("reopen", now), { resolutionFrom: now, aiSpans: [], humanHandled: false });
      }
      // The AI's stretches: open with an AI agent, until a handoff, a person taking over or the resolution.
      if (before === "open" && after !== "open" && c.aiSince != null) {
        c.aiSpans = [...(c.aiSpans ?? []), [c.aiSince, now]];
        c.aiSince = null;
      }
      if (after === "open" && before !== "open") c.aiSince = meta.agentId ? now : null;
      if (before === "open" && after === "pending_human") {
        const actor = reason === VISITOR_ASKED ? "human" : "ai";
        const dims: JsonObject = reason ? { reason } : {};
        this.fact(meta, { key: numbered("handoff"), name: "handoff", actor, at: now, dims });
        this.revokeAssumed(meta, c, now, "handoff");
        Object.assign(c, restart("handoff", now));
      }
      if (WITH_A_PERSON.includes(before) && after === "open")
        this.fact(meta, { key: numbered("hand_back"), name: "hand_back", actor: "human", at: now });
      if (WITH_A_PERSON.includes(after)) c.aiAnsweredAt = null;
      if (after === "resolved" && before !== "resolved") this.resolved(meta, c, before, now);
    });
  }

  private resolved(meta: RoomMeta, c: Clocks, before: string, now: number): void {
    const userId = meta.assigneeId;
    const dims = { reopened: c.reopens > 0 };
    const key = `resolved:${++c.n}`;
    this.fact(meta, {
      key,
      name: "conversation_resolved",
      actor: "human",
      at: now,
      from: c.resolutionFrom,
      userId,
      dims,
    });
    // A person handled it: the same span without the AI's stretches (Chatwoot #7679 counts bot time).
    if (c.humanHandled) {
      const excluded = (c.aiSpans ?? []).map(([from, to]): [number, number] => [
        Math.max(from, c.resolutionFrom),
        Math.min(to, now),
      ]);
      this.fact(meta, {
        key: `human_resolution:${c.n}`,
        name: "human_resolution",
        actor: "human",
        at: now,
        from: c.resolutionFrom,
        excluded: excluded.filter(([from, to]) => to > from),
        userId,
      });
    }
    // Resolved while the AI still owned it, after an answer: the customer's question was settled by the AI.
    if (before === "open" && c.aiAnsweredAt !== null && c.aiResolved === null) {
      this.fact(meta, { key: `ai_confirmed:${c.n}`, name: "ai_resolution_confirmed", actor: "ai", at: now });
      c.aiResolved = "confirmed";
    }
    c.aiAnsweredAt = null;
    const survey = { id: uuidv7(now), sentAt: now, answered: false };
    // Outside a channel's window nothing is sent, so no survey counts as sent (response rate stays honest).
    c.survey = null;
    if (!this.port.survey(survey.id, now)) return;
    c.survey = survey;
    this.fact(meta, { key: `csat_sent:${survey.id}`, name: "csat_sent", actor: "system", at: now, userId });
    this.port.broadcast(csatFrame(survey.id));
  }

  /** When the alarm must wake to record an assumed AI resolution (null: nothing pending). */
  deadline(): number | null {
    const c = this.read();
    return c?.aiAnsweredAt != null && c.aiResolved === null ? c.aiAnsweredAt + ASSUMED_RESOLUTION_MS : null;
  }

  /** Alarm work: 24 h after the AI's last answer with no reply and no request for a person, it resolved it. */
  onAlarm(meta: RoomMeta, now: number): void {
    const due = this.deadline();
    if (due === null || now < due) return;
    this.update(now, (c) => {
      const key = `ai_assumed:${++c.n}`;
      this.fact(meta, { key, name: "ai_resolution_assumed", actor: "ai", at: due, from: c.aiAnsweredAt });
      Object.assign(c, {
        aiResolved: "assumed",
        assumedKey: `c:${meta.conversationId}:${key}`,
        aiAnsweredAt: null,
      });
    });
  }

  /** The survey sent when the conversation was last resolved (null: none); `answeredId` marks it answered. */
  csat(answeredId?: string): { id: string; sentAt: number; answered: boolean } | null {
    const c = this.read();
    if (!c?.survey) return null;
    if (answeredId === c.survey.id && !c.survey.answered) {
      c.survey.answered = true;
      this.save(c);
    }
    return c.survey;
  }

  /** Shows a (re)connecting socket the survey still waiting for an answer. */
  replay(send: (frame: ServerFrame) => void): void {
    const survey = this.read()?.survey;
    if (survey && !survey.answered) send(csatFrame(survey.id));
  }

  private revokeAssumed(meta: RoomMeta, c: Clocks, at: number, why: string): void {
    if (c.aiResolved !== "assumed") return;
    const dims = { revokes: c.assumedKey, why };
    this.fact(meta, { key: `ai_revoked:${++c.n}`, name: "ai_resolution_revoked", actor: "human", at, dims });
    Object.assign(c, { aiResolved: null, assumedKey: null });
  }

  /** Queues a fact with a conversation-scoped key (unique per tenant, the same on every replay). */
  private fact(meta: RoomMeta, fact: AnalyticsFact): void {
    this.port.record({
      ...fact,
      key: `c:${meta.conversationId}:${fact.key}`,
      agentId: fact.agentId ?? meta.agentId,
      userId: fact.userId ?? meta.assigneeId,
    });
  }

  private update(now: number, change: (clocks: Clocks) => void): void {
    const clocks = this.read() ?? fresh(now);
    change(clocks);
    this.save(clocks);
  }

  private read(): Clocks | null {
    if (this.cached === undefined) {
      const row = this.sql.exec("SELECT clocks FROM analytics_clocks WHERE id = 1").toArray()[0];
      this.stored = row ? String(row.clocks) : undefined;
      // Written by this class only, as JSON of Clocks.
      this.cached = this.stored === undefined ? undefined : (JSON.parse(this.stored) as Clocks);
    }
    return this.cached ?? null;
  }

  private save(clocks: Clocks): void {
    const json = JSON.stringify(clocks);
    if (json !== this.stored)
      this.sql.exec("INSERT OR REPLACE INTO analytics_clocks (id, clocks) VALUES (1, ?)", json);
    this.stored = json;
    this.cached = clocks;
  }
}

/** The clocks a new first-response period starts with (at the start, a handoff or a reopen). */
const restart = (anchor: Clocks["anchor"], at: number) => ({
  anchor,
  anchorAt: at,
  frtFrom: null,
  frtDone: false,
  waitingSince: null,
});

/** A conversation's clocks before anything happened (or in a room older than analytics). */
const fresh = (now: number): Clocks => ({
  ...restart("start", now),
  n: 0,
  resolutionFrom: now,
  reopens: 0,
  aiAnsweredAt: null,
  aiResolved: null,
  assumedKey: null,
  survey: null,
});

const csatFrame = (surveyId: string): ServerFrame => ({
  type: "csat",
  surveyId,
  question: CSAT_QUESTION,
  scale: { min: 1, max: 5 },
});
