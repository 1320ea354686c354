import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps, tsvector } from "../columns";
import { contacts } from "./contacts";
import { tenants, users } from "./identity";
import { teams } from "./teams";

export const conversationStatuses = [
  "open",
  "pending_human",
  "with_human",
  "snoozed",
  "resolved",
  "expired",
] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];
export const senderKinds = ["visitor", "staff", "integration", "ai", "system"] as const;
export type SenderKind = (typeof senderKinds)[number];
export const priorities = ["none", "low", "medium", "high", "urgent"] as const;
export type Priority = (typeof priorities)[number];
/** A message to the conversation, or a staff-only note (never sent to the visitor, a channel or the AI). */
export const messageKinds = ["message", "note"] as const;
export type MessageKind = (typeof messageKinds)[number];

/** A conversation's Postgres copy. Its room (Durable Object) is the writer of messages and seq. */
export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    status: text().$type<ConversationStatus>().notNull().default("open"),
    channel: text().notNull().default("web"),
    visitorId: text(),
    customerUserId: text(),
    contactId: uuid().references(() => contacts.id, { onDelete: "set null" }),
    priority: text().$type<Priority>().notNull().default("none"),
    /** While `snoozed`: when the room's alarm opens it again. */
    snoozedUntil: timestamp({ withTimezone: true }),
    agentId: uuid(),
    assigneeId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** The team it is assigned to (with or without an assignee); written by its room. */
    teamId: uuid().references(() => teams.id, { onDelete: "set null" }),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    idleTimeoutSeconds: integer().notNull().default(1800),
    lastSeq: integer().notNull().default(0),
    messageCount: integer().notNull().default(0),
    lastMessageAt: timestamp({ withTimezone: true }),
    lastMessagePreview: text(),
    firstVisitorMessageAt: timestamp({ withTimezone: true }),
    firstResponseAt: timestamp({ withTimezone: true }),
    resolvedAt: timestamp({ withTimezone: true }),
    /** A channel conversation: the channel and who it is with there (wa_id, PSID, IGSID, Telegram chat id). */
    channelId: uuid(),
    channelContactRef: text(),
    ...timestamps,
  },
  (t) => [
    index().on(t.tenantId, t.updatedAt),
    index().on(t.tenantId, t.status),
    index().on(t.tenantId, t.visitorId),
    index().on(t.tenantId, t.customerUserId),
    index().on(t.tenantId, t.contactId),
    // One open conversation per channel contact (a new one once it is resolved or expired).
    uniqueIndex("conversations_open_channel_contact_key")
      .on(t.channelId, t.channelContactRef)
      .where(sql`${t.channelId} is not null and ${t.status} not in ('resolved', 'expired')`),
    index().on(t.tenantId, t.teamId),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid().primaryKey(),
    tenantId: uuid().notNull(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    clientId: text(),
    senderKind: text().$type<SenderKind>().notNull(),
    senderId: text().notNull(),
    kind: text().$type<MessageKind>().notNull().default("message"),
    text: text().notNull(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    searchVector: tsvector()
      .notNull()
      .generatedAlwaysAs((): ReturnType<typeof sql> => sql`to_tsvector('simple', ${messages.text})`),
  },
  (t) => [
    uniqueIndex("messages_conversation_seq_key").on(t.conversationId, t.seq),
    index().on(t.tenantId),
    index("messages_search_idx").using("gin", t.searchVector),
  ],
);

/** Read receipts: the highest seq each participant (`kind:id`) has read. */
export const readReceipts = pgTable(
  "read_receipts",
  {
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    participant: text().notNull(),
    seq: integer().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.participant] })],
);
