import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants } from "./identity";

/** A widget key's presentation; every field optional (the widget has defaults). */
export interface WidgetSettings {
  title?: string;
  preChatForm?: { enabled: boolean; requireEmail?: boolean };
  theme?: { color?: string; position?: "left" | "right"; launcherText?: string };
  strings?: Record<string, string>;
  replyTimeHours?: number;
  awayMessage?: string;
  /** `https://…{documentId}…{page}…`: citations in AI answers link there; absent: plain text. */
  citationUrl?: string;
}

/** Public keys that let a website embed the chat widget for a tenant. */
export const widgetKeys = pgTable(
  "widget_keys",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    publicKey: text().notNull().unique(),
    allowedOrigins: jsonb().$type<string[]>().notNull().default([]),
    agentId: uuid(),
    /** HMAC key the tenant's server uses to vouch for a visitor's user id. */
    identitySecret: text().notNull(),
    /** What the widget shows: pre-chat form, theme, strings, reply time (see WidgetSettings). */
    settings: jsonb().$type<WidgetSettings>().notNull().default({}),
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);
