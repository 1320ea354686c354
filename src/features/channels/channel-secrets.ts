import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ChannelStatus, channels } from "../../db/schema";
import { log } from "../../lib/logger";
import { open } from "../../lib/secret-box";
import { inboxClient } from "../inbox/inbox-client";
import type { ChannelType } from "./channel-adapter";
import { forgetChannel } from "./channel-cache";
import { type ChannelConfig, channelConfigs } from "./channel-configs";

export type ChannelRow = typeof channels.$inferSelect;

/** A channel with its secrets opened, for talking to its platform (never for a response). */
export interface OpenedChannel {
  row: ChannelRow;
  config: ChannelConfig;
  webhookToken: string;
}

/** Opens a channel's sealed config (validated again by its type's schema) and webhook token. */
export async function openChannel(row: ChannelRow, encryptionKey: string): Promise<OpenedChannel> {
  const schema = channelConfigs[row.type as ChannelType].schema;
  const config: ChannelConfig = schema.parse(JSON.parse(await open(row.configSealed, encryptionKey)));
  return { row, config, webhookToken: await open(row.webhookTokenSealed, encryptionKey) };
}

/** A channel by id alone (webhooks, consumers, rooms: the row names its tenant). */
export async function channelById(db: Database, id: string): Promise<ChannelRow | null> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  return row ?? null;
}

/**
 * Records a channel's health (the one writer of its status besides the API): `reauth_required`
 * when the platform reports the token invalid. Tells the tenant's inbox when the status changes.
 */
export async function setChannelHealth(
  db: Database,
  env: Env,
  channel: Pick<ChannelRow, "id" | "tenantId">,
  status: ChannelStatus,
  code: string | null,
): Promise<void> {
  const changed = await db
    .update(channels)
    .set({ status, lastErrorCode: code, lastErrorAt: code ? new Date() : null })
    .where(
      and(
        eq(channels.id, channel.id),
        sql`${channels.status} <> 'disabled'`,
        sql`${channels.status} <> ${status}`,
      ),
    )
    .returning({ id: channels.id });
  if (changed.length === 0) return;
  forgetChannel(channel.id);
  log("warn", "channel health changed", { channelId: channel.id, tenantId: channel.tenantId, status, code });
  await inboxClient(env, channel.tenantId).publish({
    type: "channel.status",
    channelId: channel.id,
    status,
    code,
  });
}

/** The channel with its secrets opened, or null when there is none. */
export async function loadOpenedChannel(db: Database, encryptionKey: string, id: string) {
  const row = await channelById(db, id);
  return row ? await openChannel(row, encryptionKey) : null;
}
