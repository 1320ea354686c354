import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants } from "./identity";

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
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);
