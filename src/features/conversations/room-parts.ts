import type { Database } from "../../db/client";
import type { ConversationStatus } from "../../db/schema";
import type { Config } from "../../env";
import type { JsonObject } from "../../lib/json";
import type { AgentContext } from "../ai/answer";
import type { AnalyticsFact } from "../analytics/analytics-events";
import { RoomPlans } from "../plans/room-plans";
import type { AiUsageRecord, PostResult, RoomPost, Sender, ServerFrame } from "./conversations.protocol";
import { RoomAi } from "./room-ai";
import { RoomAnalytics } from "./room-analytics";
import { RoomChannelOutbox } from "./room-channel-outbox";
import { surveyOnChannel } from "./room-csat";
import { handOff } from "./room-handoff";
import type { RoomInboxFeed } from "./room-inbox-feed";
import { RoomOutbox } from "./room-outbox";
import type { RoomSockets } from "./room-sockets";
import type { StatusParts } from "./room-status";
import type { RoomStore } from "./room-store";

/** What the room's parts call back into it for (its own single-writer steps). */
export interface RoomHost {
  store(): RoomStore;
  sockets: RoomSockets;
  inbox: RoomInboxFeed;
  config(): Config;
  database(): Database;
  post(sender: Sender, post: RoomPost): Promise<PostResult>;
  recordUsage(usage: AiUsageRecord): void;
  armAlarm(): Promise<void>;
  changeStatus(status: ConversationStatus, assigneeId: string | null, reason?: string): void;
  destroy(): Promise<void>;
}

/**
 * The room's parts, wired to each other and to the room: the Postgres copy, analytics, the channel's
 * outbound queue, the AI and the plans. The room class stays the table of contents.
 */
export function roomParts(ctx: DurableObjectState, env: Env, host: RoomHost) {
  const { sql } = ctx.storage;
  const outboxCopy = new RoomOutbox({
    store: () => host.store(),
    database: () => host.database(),
    gone: () => host.destroy(),
    report: (meta, stats) =>
      host.inbox.publish(meta, { type: "outbox", conversationId: meta.conversationId, ...stats }),
  });
  const record = (fact: AnalyticsFact) => host.store().enqueue("analytics", fact, Date.now());
  const broadcast = (frame: ServerFrame) => host.sockets.broadcast(frame);
  const survey = (surveyId: string, now: number) => surveyOnChannel(host, channel, surveyId, now);
  const analytics = new RoomAnalytics(sql, { record, broadcast, survey });
  // What the AI, the plans and the channel all need of their room.
  const room = {
    meta: () => host.store().meta(),
    config: () => host.config(),
    database: () => host.database(),
    broadcast,
    send: (ws: WebSocket, frame: ServerFrame) => host.sockets.send(ws, frame),
    append: async (sender: Sender, text: string, metadata: JsonObject) => {
      const result = await host.post(sender, { text, metadata });
      return result.ok ? { id: result.message.id, seq: result.message.seq } : null;
    },
    recordUsage: (usage: AiUsageRecord) => host.recordUsage(usage),
  };
  const armAlarm = () => host.armAlarm();
  const channel = new RoomChannelOutbox(sql, {
    ...room,
    env,
    armAlarm,
    record,
    saveMeta: (meta) => host.store().saveMeta(meta),
  });
  const plans: RoomPlans = new RoomPlans(sql, {
    ...room,
    armAlarm,
    record,
    notify: (event) => host.inbox.publish(host.store().meta(), event),
  });
  const handoff = (reason: string, agent: AgentContext["agent"] | null) =>
    handOff({ ...host, env, markAnswered: () => ai.markAnswered() }, reason, agent);
  const ai: RoomAi = new RoomAi(sql, {
    ...room,
    history: (limit) => host.store().recent(limit),
    lastSeq: () => host.store().lastSeq(),
    mayAnswer: () => channel.isOpen(false),
    handoff,
    plan: (agentCtx, history) => plans.fromConversation(agentCtx, history, host.store().lastVisitor()),
  });
  // Every status change goes through room-status.ts with these.
  const statusParts: StatusParts = {
    store: () => host.store(),
    sockets: host.sockets,
    inbox: host.inbox,
    cancelAi: (why) => ai.cancel(why),
    changed: (meta, before, reason, now) => analytics.status(meta, before, reason, now),
  };
  return { outboxCopy, analytics, channel, plans, ai, statusParts, handoff };
}
