import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants, users } from "./identity";

/** A group of staff users a conversation can be assigned to (docs/teams.md). */
export const teams = pgTable(
  "teams",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** Round-robin: a conversation of this team that needs a human goes to an online member. */
    autoAssign: boolean().notNull().default(false),
    /** Auto-assignment skips a member with this many open conversations (null: no limit). */
    maxOpenPerAgent: integer(),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** When round-robin last gave this member a conversation (the least recent goes next). */
    lastAssignedAt: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index().on(t.userId)],
);
