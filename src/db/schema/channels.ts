import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { ChannelType } from "../../features/channels/channel-adapter";
import { id, timestamps } from "../columns";
import { agents } from "./agents";
import { tenants } from "./identity";

export const channelStatuses = ["active", "reauth_required", "disabled"] as const;
export type ChannelStatus = (typeof channelStatuses)[number];

/** A messaging channel (WhatsApp number, Page, Instagram account, Telegram bot) of a tenant. */
export const channels = pgTable(
  "channels",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    type: text().$type<ChannelType>().notNull(),
    name: text().notNull(),
    /** The agent that answers this channel's conversations (none: staff only). */
    agentId: uuid().references(() => agents.id, { onDelete: "set null" }),
    /** The platform configuration (tokens, app secret, ids) as JSON, sealed with ENCRYPTION_KEY. */
    configSealed: text().notNull(),
    /** Meta's hub.verify_token or Telegram's secret_token, sealed: it authenticates inbound webhooks. */
    webhookTokenSealed: text().notNull(),
    status: text().$type<ChannelStatus>().notNull().default("active"),
    lastVerifiedInboundAt: timestamp({ withTimezone: true }),
    lastErrorCode: text(),
    lastErrorAt: timestamp({ withTimezone: true }),
    /** Deliveries the consumer gave up on (unreadable, or failing after every retry). */
    deadLetters: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);

/**
 * The platform ids a channel has seen, unique per direction: inbound ones (update_id, wamid, mid)
 * dedupe redeliveries; outbound ones map a delivery status back to our message.
 */
export const channelMessages = pgTable(
  "channel_messages",
  {
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    direction: text().$type<"in" | "out">().notNull(),
    platformId: text().notNull(),
    tenantId: uuid().notNull(),
    conversationId: uuid().notNull(),
    /** Our message id (outbound). */
    messageId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.direction, t.platformId] }), index().on(t.conversationId)],
);
