import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "../columns";
import { conversations } from "./conversations";
import { tenants } from "./identity";

/** A file sent in a conversation (image or PDF); its bytes are in object storage under the tenant. */
export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    storageKey: text().notNull(),
    filename: text().notNull(),
    /** Detected from the bytes, never taken from the client. */
    contentType: text().notNull(),
    sizeBytes: integer().notNull(),
    /** Who uploaded it: `visitor`, `staff` or `integration`, and their id. */
    uploadedByKind: text().notNull(),
    uploadedById: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.conversationId)],
);
