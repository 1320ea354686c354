import { boolean, index, integer, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "../columns";
import { conversations } from "./conversations";
import { tenants, users } from "./identity";

/** A staff user's choices for emails about conversations that wait for a human (defaults when absent). */
export const notificationPreferences = pgTable("notification_preferences", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tenantId: uuid()
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" }),
  emailEnabled: boolean().notNull().default(true),
  /** At most one email per this many minutes; what waits meanwhile goes into the next one. */
  digestMinutes: integer().notNull().default(15),
  /** When the last digest went out (the window's start). */
  lastDigestAt: timestamp({ withTimezone: true, precision: 3 }),
});

/** A conversation a user is to hear about in their next digest (sentAt: in which one it went). */
export const staffNotifications = pgTable(
  "staff_notifications",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId, t.sentAt)],
);
