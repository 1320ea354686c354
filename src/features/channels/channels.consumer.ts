import { eq, sql } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { channels } from "../../db/schema";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { createStorage } from "../../providers/storage";
import type { InboundEvent } from "./channel-adapter";
import { cachedChannel } from "./channel-cache";
import { type InboundDeps, receiveMessage, receiveStatus } from "./channel-inbound";
import { loadOpenedChannel } from "./channel-secrets";
import { type ChannelDelivery, ChannelDeliverySchema } from "./channels.jobs";
import { platformFor } from "./platforms";

const MAX_BACKOFF_SECONDS = 5 * 60;
const RECORD_EVERY_MS = 30_000;
const recordedAt = new Map<string, number>();

/** A delivery that can never be handled (not JSON, not the platform's shape): counted, not retried. */
class Unreadable extends Error {}

/** Platform order within a delivery: by platform time, then by the platform's id (update_id), then arrival. */
function inOrder(events: InboundEvent[]): InboundEvent[] {
  const at = (e: InboundEvent) => e.at;
  const id = (e: InboundEvent) => (e.type === "message" ? e.platformId : e.platformMessageId);
  return events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        at(a.event) - at(b.event) ||
        id(a.event).localeCompare(id(b.event), "en", { numeric: true }) ||
        a.index - b.index,
    )
    .map(({ event }) => event);
}

async function handle(deps: InboundDeps, delivery: ChannelDelivery): Promise<Record<string, number>> {
  const channel = await cachedChannel(delivery.channelId, () =>
    loadOpenedChannel(deps.db, deps.config.ENCRYPTION_KEY, delivery.channelId),
  );
  const entry = channel ? platformFor(channel.row.type, deps.config) : null;
  if (!channel || !entry) return { skipped: 1 };
  // The time of the last verified delivery (for the channel test), at most every RECORD_EVERY_MS
  // per channel and isolate: the webhook route itself only verifies and queues.
  if (delivery.receivedAt - (recordedAt.get(channel.row.id) ?? 0) > RECORD_EVERY_MS) {
    recordedAt.set(channel.row.id, delivery.receivedAt);
    await deps.db
      .update(channels)
      // A retried older delivery never moves it back (greatest() skips the NULL of a first one).
      .set({
        lastVerifiedInboundAt: sql`greatest(${channels.lastVerifiedInboundAt}, ${new Date(delivery.receivedAt).toISOString()}::timestamptz)`,
      })
      .where(eq(channels.id, channel.row.id));
  }
  const raw = delivery.body ?? (delivery.storageKey ? await deps.storage.bytes(delivery.storageKey) : null);
  if (raw === null || raw === undefined) throw new Unreadable("the parked delivery is gone");
  let events: InboundEvent[];
  try {
    events = entry.platform.parse(
      JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw)),
      channel.config,
    );
  } catch {
    throw new Unreadable("not a delivery of this platform");
  }
  const counts: Record<string, number> = {};
  for (const event of inOrder(events)) {
    let outcome = "status";
    if (event.type === "message") outcome = await receiveMessage(deps, channel, entry, event);
    else await receiveStatus(deps, channel, event);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  if (delivery.storageKey) await deps.storage.delete([delivery.storageKey]);
  return counts;
}

async function countDeadLetter(deps: InboundDeps, channelId: string): Promise<void> {
  await deps.db
    .update(channels)
    .set({ deadLetters: sql`${channels.deadLetters} + 1` })
    .where(eq(channels.id, channelId));
}

/**
 * The channel queue's consumer: every event of every delivery in the batch, each delivery on its
 * own (a bad one is retried with backoff or counted, never blocking the others).
 */
export async function consumeChannelDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps: InboundDeps = { db, env, config, storage: createStorage(config, env.DOCUMENTS_BUCKET) };
  try {
    for (const message of batch.messages) {
      const parsed = ChannelDeliverySchema.safeParse(message.body);
      if (!parsed.success) {
        log("error", "dropping malformed channel delivery", { queue: batch.queue, id: message.id });
        message.ack();
        continue;
      }
      const context = {
        channelId: parsed.data.channelId,
        tenantId: parsed.data.tenantId,
        attempt: message.attempts,
      };
      try {
        const counts = await handle(deps, parsed.data);
        log("info", "channel delivery handled", { ...context, ...counts });
        message.ack();
      } catch (error) {
        if (error instanceof Unreadable) {
          log("error", "channel delivery dead-lettered", { ...context, reason: error.message });
          await countDeadLetter(deps, parsed.data.channelId);
          message.ack();
          continue;
        }
        log("warn", "channel delivery failed; retrying", { ...context, ...describeError(error) });
        message.retry({ delaySeconds: Math.min(2 ** message.attempts, MAX_BACKOFF_SECONDS) });
      }
    }
  } finally {
    await close();
  }
}

/** Deliveries that failed every retry: counted on their channel and logged (ids only). */
export async function consumeDeadChannelDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const deps: InboundDeps = { db, env, config, storage: createStorage(config, env.DOCUMENTS_BUCKET) };
  try {
    for (const message of batch.messages) {
      const parsed = ChannelDeliverySchema.safeParse(message.body);
      if (parsed.success) {
        log("error", "channel delivery dead-lettered", {
          channelId: parsed.data.channelId,
          attempts: message.attempts,
        });
        await countDeadLetter(deps, parsed.data.channelId);
      }
      message.ack();
    }
  } finally {
    await close();
  }
}
