import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { channelMessages, conversations } from "../../db/schema";
import type { Config } from "../../env";
import { uuidv7 } from "../../lib/ids";
import type { JsonObject } from "../../lib/json";
import { log } from "../../lib/logger";
import { isStorableText } from "../../lib/text";
import { OutboundError } from "../../providers/outbound";
import type { Storage } from "../../providers/storage";
import { answerByRating } from "../analytics/channel-csat";
import { createConversation } from "../conversations/conversations.service";
import { roomFor } from "../conversations/room-client";
import type { InboundEvent } from "./channel-adapter";
import type { OpenedChannel } from "./channel-secrets";
import type { PlatformEntry } from "./platforms";

export interface InboundDeps {
  db: Database;
  env: Env;
  config: Config;
  storage: Storage;
}

type MessageEvent = Extract<InboundEvent, { type: "message" }>;
type StatusEvent = Extract<InboundEvent, { type: "status" }>;

// A channel conversation stays open a day without messages (Meta's window is 24 h).
const IDLE_TIMEOUT_SECONDS = 24 * 3600;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text Postgres can store (a platform may send NUL or a lone surrogate; we keep the rest). */
const storable = (text: string) =>
  isStorableText(text) ? text : text.replaceAll("\u0000", "\uFFFD").replace(LONE_SURROGATE, "\uFFFD");

/** The contact's open conversation on this channel, or a new one (after a resolve, always a new one). */
async function conversationFor(
  deps: InboundDeps,
  channel: OpenedChannel,
  event: MessageEvent,
): Promise<string> {
  const { row } = channel;
  const [open] = await deps.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.channelId, row.id),
        eq(conversations.channelContactRef, event.contactRef),
        sql`${conversations.status} not in ('resolved', 'expired')`,
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  if (open) return open.id;
  // Two consumers racing for the same contact: the partial unique index lets one win; the other's
  // delivery is retried and then finds it.
  const created = await createConversation(
    { db: deps.db, env: deps.env, tenantId: row.tenantId },
    {
      visitorId: `${row.type}:${event.contactRef}`,
      ...(row.agentId ? { agentId: row.agentId } : {}),
      channel: row.type,
      metadata: event.contactName ? { contactName: storable(event.contactName) } : {},
      idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS,
      channelLink: { id: row.id, type: row.type, contactRef: event.contactRef },
      contactProfile: {
        ...(event.contactName ? { name: storable(event.contactName) } : {}),
        createdFrom: "channel",
      },
    },
  );
  return created.id;
}

/** Fetches and stores the customer's files under the tenant's prefix; too large → a visible note. */
async function storeMedia(
  deps: InboundDeps,
  channel: OpenedChannel,
  entry: PlatformEntry,
  event: MessageEvent,
) {
  const attachments: JsonObject[] = [];
  const notes: string[] = [];
  for (const media of event.media ?? []) {
    try {
      const fetched = await entry.platform.fetchMedia(
        channel.config,
        entry.apiBase(deps.config, channel.config),
        media.ref,
        deps.config.CHANNEL_MAX_MEDIA_BYTES,
      );
      const key = `${deps.config.STORAGE_PREFIX}${channel.row.tenantId}/channels/${channel.row.id}/media/${uuidv7()}`;
      const mimeType = media.mimeType ?? fetched.mimeType;
      await deps.storage.put(key, fetched.bytes, mimeType);
      attachments.push({
        kind: media.kind,
        storageKey: key,
        mimeType,
        size: fetched.bytes.byteLength,
        ...(media.fileName ? { fileName: storable(media.fileName) } : {}),
      });
    } catch (error) {
      if (!(error instanceof OutboundError && error.kind === "too_large")) throw error;
      notes.push(
        `[${media.kind} not stored: larger than ${Math.round(deps.config.CHANNEL_MAX_MEDIA_BYTES / 1048576)} MB]`,
      );
    }
  }
  return { attachments, notes };
}

/**
 * One customer (or business-app) message: deduplicated by the platform's id with a unique key,
 * posted to the contact's conversation under a client id the room also dedupes by.
 */
export async function receiveMessage(
  deps: InboundDeps,
  channel: OpenedChannel,
  entry: PlatformEntry,
  event: MessageEvent,
): Promise<"posted" | "duplicate" | "echo"> {
  if (event.echo) return "echo";
  const { row } = channel;
  // A business message with the id one of our sends got back is the echo of that send (Instagram
  // echoes carry no metadata of ours); other business messages came from the platform's own app.
  if (event.fromBusiness && (await outboundByPlatformId(deps.db, row.id, event.platformId))) return "echo";
  if (!event.fromBusiness && (await answerByRating(deps, row, event))) return "posted";
  const clientId = `${row.type}:${event.platformId}`;
  const key = and(
    eq(channelMessages.channelId, row.id),
    eq(channelMessages.direction, "in"),
    eq(channelMessages.platformId, event.platformId),
  );
  let [seen] = await deps.db
    .select({ conversationId: channelMessages.conversationId })
    .from(channelMessages)
    .where(key);
  if (seen && (await roomFor(deps.env, seen.conversationId).knows(clientId))) return "duplicate";
  if (!seen) {
    const conversationId = await conversationFor(deps, channel, event);
    await deps.db
      .insert(channelMessages)
      .values({
        channelId: row.id,
        direction: "in",
        platformId: event.platformId,
        tenantId: row.tenantId,
        conversationId,
      })
      .onConflictDoNothing();
    [seen] = await deps.db
      .select({ conversationId: channelMessages.conversationId })
      .from(channelMessages)
      .where(key);
  }
  if (!seen) throw new Error("inbound id was neither inserted nor found");
  const room = roomFor(deps.env, seen.conversationId);
  const { attachments, notes } = await storeMedia(deps, channel, entry, event);
  const text =
    [storable(event.text), ...notes].filter(Boolean).join("\n") ||
    `[${event.media?.[0]?.kind ?? "empty message"}]`;
  const result = await room.receive({
    sender: event.fromBusiness
      ? { kind: "integration", id: `channel:${row.id}` }
      : { kind: "visitor", id: `${row.type}:${event.contactRef}` },
    clientId,
    text,
    metadata: {
      channel: {
        platformId: event.platformId,
        at: event.at,
        ...(event.fromBusiness ? { fromBusiness: true } : {}),
      },
      ...(attachments.length > 0 ? { attachments } : {}),
    },
    at: event.at,
    fromCustomer: !event.fromBusiness,
  });
  if (result.ok) return result.duplicate ? "duplicate" : "posted";
  // The room closed after Postgres last heard: copy its status now; the retried delivery opens a new one.
  await room.flushNow();
  await deps.db.delete(channelMessages).where(key);
  throw new Error(`conversation refused the channel message (${result.code})`);
}

/** One of our sends on this channel, by the id the platform gave it. */
async function outboundByPlatformId(db: Database, channelId: string, platformId: string) {
  const [sent] = await db
    .select({ conversationId: channelMessages.conversationId, messageId: channelMessages.messageId })
    .from(channelMessages)
    .where(
      and(
        eq(channelMessages.channelId, channelId),
        eq(channelMessages.direction, "out"),
        eq(channelMessages.platformId, platformId),
      ),
    );
  return sent ?? null;
}

// A watermark is applied to the contact's latest conversations (a reply may predate a resolve).
const WATERMARK_CONVERSATIONS = 2;

/**
 * A delivery status for one of our replies: found by the platform's message id, moved forward in its
 * room. A watermark moves every earlier reply to the contact forward.
 */
export async function receiveStatus(
  deps: InboundDeps,
  channel: OpenedChannel,
  event: StatusEvent,
): Promise<void> {
  if (event.watermark && (event.state === "delivered" || event.state === "read")) {
    const latest = await deps.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.channelId, channel.row.id),
          eq(conversations.channelContactRef, event.watermark.contactRef),
        ),
      )
      .orderBy(desc(conversations.createdAt))
      .limit(WATERMARK_CONVERSATIONS);
    for (const { id } of latest) await roomFor(deps.env, id).watermark(event.state, event.at);
    return;
  }
  const sent = await outboundByPlatformId(deps.db, channel.row.id, event.platformMessageId);
  if (!sent?.messageId) {
    // Our own send's status, before the send's answer was recorded: the delivery is retried.
    if (event.sendKey) throw new Error("status arrived before its send was recorded");
    log("info", "status for an unknown outbound message", { channelId: channel.row.id, state: event.state });
    return;
  }
  await roomFor(deps.env, sent.conversationId).delivery(sent.messageId, event.state, event.code);
}
