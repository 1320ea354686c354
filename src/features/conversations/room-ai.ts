import type { Database } from "../../db/client";
import type { Config } from "../../env";
import { AppError } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import type { JsonObject } from "../../lib/json";
import { describeError, log } from "../../lib/logger";
import { ProviderError } from "../../providers/ai-chat";
import { type AgentContext, generateAnswer, latestVisitorTurn, loadAgentContext } from "../ai/answer";
import { asksForHuman } from "../ai/handoff";
import type { HistoryItem } from "../ai/prompt";
import type { AiUsageRecord, Sender, ServerFrame } from "./conversations.protocol";
import type { RoomMeta } from "./room-store";

/** What the AI needs from its room. */
export interface RoomPort {
  meta(): RoomMeta | null;
  config(): Config;
  database(): Database;
  history(limit: number): (HistoryItem & { seq: number })[];
  lastSeq(): number;
  /** Whether the AI may answer now (a channel's messaging window is open). */
  mayAnswer(): boolean;
  broadcast(frame: ServerFrame): void;
  send(ws: WebSocket, frame: ServerFrame): void;
  append(sender: Sender, text: string, metadata: JsonObject): Promise<{ id: string; seq: number } | null>;
  recordUsage(usage: AiUsageRecord): void;
  handoff(reason: string, agent: AgentContext["agent"] | null): Promise<void>;
  /**
   * The agent's reply as a plan when it has actions and the model calls them (the plan is then
   * proposed in the room); null: answer as usual. `text` is an answer to post instead of a plan.
   */
  plan(
    ctx: AgentContext,
    history: HistoryItem[],
  ): Promise<{ text: string; usage: Usage | null; handoff: { reason: string } | null } | null>;
}

type Usage = NonNullable<Awaited<ReturnType<typeof generateAnswer>>["usage"]>;

const SYSTEM: Sender = { kind: "system", id: "switchboard" };
const HISTORY_MESSAGES = 50;

/**
 * The room's AI replies: one at a time, streamed as stored deltas (so a reconnecting client can
 * catch up mid-reply), with visitor messages that arrive meanwhile answered together afterwards.
 */
export class RoomAi {
  private running: Promise<void> | null = null;
  private rerun = false;
  private current: { streamId: string; abort: AbortController } | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly port: RoomPort,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS ai_streams (
        stream_id TEXT PRIMARY KEY, status TEXT NOT NULL, started_at INTEGER NOT NULL, answers_up_to INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS ai_deltas (stream_id TEXT NOT NULL, idx INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (stream_id, idx));
    `);
  }

  /** A stream left `streaming` means this object was evicted or redeployed mid-reply: say so. */
  async repairInterrupted(): Promise<void> {
    const stale = this.sql.exec("SELECT stream_id FROM ai_streams WHERE status = 'streaming'").toArray();
    for (const row of stale) {
      const streamId = String(row.stream_id);
      this.setStatus(streamId, "interrupted");
      this.port.broadcast({ type: "ai.interrupted", streamId });
      await this.port.append(
        SYSTEM,
        "The assistant's reply was interrupted. Please send your question again, or ask for a human.",
        {
          streamId,
          interrupted: true,
        },
      );
    }
  }

  /** Called after each visitor message: answer now, or after the running reply. */
  schedule(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /**
   * Records that the visitor messages so far were dealt with without an AI reply (a handoff took
   * them), so a later hand-back answers only what came after.
   */
  markAnswered(): void {
    this.sql.exec(
      "INSERT INTO ai_streams (stream_id, status, started_at, answers_up_to) VALUES (?, 'handoff', ?, ?)",
      uuidv7(),
      Date.now(),
      this.port.lastSeq(),
    );
  }

  /** Stops a running reply (a human took over); its partial text is discarded. */
  cancel(reason: string): void {
    if (!this.current) return;
    const { streamId, abort } = this.current;
    this.current = null;
    this.rerun = false;
    abort.abort(new Error(reason));
    this.setStatus(streamId, "cancelled");
    this.port.broadcast({ type: "ai.cancelled", streamId, reason });
  }

  /** Sends a (re)connecting socket the reply in progress, from delta `fromIndex` on. */
  replayActive(ws: WebSocket, streamId: string | null, fromIndex: number): void {
    const active = this.sql.exec("SELECT stream_id FROM ai_streams WHERE status = 'streaming'").toArray()[0];
    if (!active) return;
    const id = String(active.stream_id);
    const from = id === streamId ? fromIndex : 0;
    if (from === 0) this.port.send(ws, { type: "ai.thinking", streamId: id });
    for (const row of this.sql.exec(
      "SELECT idx, text FROM ai_deltas WHERE stream_id = ? AND idx >= ? ORDER BY idx",
      id,
      from,
    )) {
      this.port.send(ws, { type: "ai.delta", streamId: id, index: Number(row.idx), text: String(row.text) });
    }
  }

  /** Resolves when no reply is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.rerun = false;
      const meta = this.port.meta();
      if (!meta?.agentId || meta.status !== "open" || !this.port.mayAnswer()) return;
      await this.replyOnce(meta, meta.agentId);
    } while (this.rerun);
  }

  private async replyOnce(meta: RoomMeta, agentId: string): Promise<void> {
    const config = this.port.config();
    const db = this.port.database();
    const streamId = uuidv7();
    const abort = new AbortController();
    let ctx: AgentContext | null = null;
    try {
      ctx = await loadAgentContext({ db, config }, meta.tenantId, agentId);
      const history = this.pendingLast(this.port.history(HISTORY_MESSAGES));
      if (!ctx.agent.enabled || latestVisitorTurn(history) === "") return;
      if (asksForHuman(latestVisitorTurn(history), ctx.agent.handoffRules.keywords)) {
        await this.port.handoff("the visitor asked for a person", ctx.agent);
        return;
      }
      this.current = { streamId, abort };
      this.sql.exec(
        "INSERT INTO ai_streams (stream_id, status, started_at, answers_up_to) VALUES (?, 'streaming', ?, ?)",
        streamId,
        Date.now(),
        this.port.lastSeq(),
      );
      this.port.broadcast({ type: "ai.thinking", streamId });
      const planned = await this.port.plan(ctx, history);
      if (planned) {
        if (abort.signal.aborted) return;
        this.current = null;
        this.setStatus(streamId, "done");
        if (planned.text) await this.port.append({ kind: "ai", id: agentId }, planned.text, { streamId });
        if (planned.usage) this.port.recordUsage({ agentId, ...planned.usage });
        if (planned.handoff) await this.port.handoff(planned.handoff.reason, ctx.agent);
        return;
      }
      let index = 0;
      const answer = await generateAnswer({ db, config }, ctx, history, {
        signal: abort.signal,
        onDelta: (text) => this.delta(streamId, index++, text),
      });
      if (abort.signal.aborted) return;
      this.current = null;
      this.setStatus(streamId, "done");
      if (answer.text.trim()) {
        await this.port.append({ kind: "ai", id: agentId }, answer.text, {
          streamId,
          mode: answer.mode,
          citations: answer.citations,
        });
      }
      if (answer.usage) this.port.recordUsage({ agentId, ...answer.usage });
      if (answer.handoff) await this.port.handoff(answer.handoff.reason, ctx.agent);
    } catch (error) {
      if (abort.signal.aborted) return;
      this.current = null;
      if (this.sql.exec("SELECT 1 FROM ai_streams WHERE stream_id = ?", streamId).toArray().length > 0)
        this.setStatus(streamId, "failed");
      log("warn", "AI reply failed", { conversationId: meta.conversationId, ...describeError(error) });
      await this.port.append(SYSTEM, failureMessage(error), { streamId, failed: true });
      await this.port.handoff("the assistant could not answer", ctx?.agent ?? null);
    }
  }

  /**
   * Orders history for the model with the visitor messages not yet answered last: those that came
   * in while the previous reply was streaming sit before it by seq, but are still to be answered.
   */
  private pendingLast(history: (HistoryItem & { seq: number })[]): HistoryItem[] {
    const answered = Number(
      this.sql.exec("SELECT coalesce(max(answers_up_to), 0) AS seq FROM ai_streams").one().seq,
    );
    const lastHuman =
      history.filter((m) => m.sender === "staff" || m.sender === "integration").at(-1)?.seq ?? 0;
    const cutoff = Math.max(answered, lastHuman);
    const isPending = (m: HistoryItem & { seq: number }) => m.sender === "visitor" && m.seq > cutoff;
    const strip = ({ sender, text }: HistoryItem) => ({ sender, text });
    return [...history.filter((m) => !isPending(m)).map(strip), ...history.filter(isPending).map(strip)];
  }

  private delta(streamId: string, index: number, text: string): void {
    if (this.current?.streamId !== streamId) return;
    this.sql.exec("INSERT INTO ai_deltas (stream_id, idx, text) VALUES (?, ?, ?)", streamId, index, text);
    this.port.broadcast({ type: "ai.delta", streamId, index, text });
  }

  private setStatus(streamId: string, status: string): void {
    this.sql.exec("UPDATE ai_streams SET status = ? WHERE stream_id = ?", status, streamId);
    // Finished streams keep no deltas: the stored message is the reply.
    if (status !== "streaming") this.sql.exec("DELETE FROM ai_deltas WHERE stream_id = ?", streamId);
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof AppError && error.code === "rate_limited") {
    return "Our assistant can't answer right now (this month's AI budget is used up). I've asked a member of our team to help you.";
  }
  if (error instanceof ProviderError && error.kind === "timeout") {
    return "Sorry, our assistant took too long to answer. I've asked a member of our team to help you.";
  }
  return "Sorry, our assistant is unavailable right now. I've asked a member of our team to help you — your message is saved.";
}
