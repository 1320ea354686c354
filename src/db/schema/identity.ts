import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";

export const roles = ["PLATFORM_ADMIN", "TENANT_ADMIN", "TENANT_USER"] as const;
export type Role = (typeof roles)[number];

export const tenants = pgTable("tenants", {
  id: id(),
  name: text().notNull(),
  slug: text().notNull().unique(),
  status: text().$type<"active" | "suspended" | "deleting">().notNull().default("active"),
  settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps,
});

export const users = pgTable(
  "users",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text(),
    role: text().$type<Role>().notNull(),
    status: text().$type<"active" | "invited" | "deactivated">().notNull().default("active"),
    lastLoginAt: timestamp({ withTimezone: true }),
    /** Access tokens and tickets issued at or before this instant are refused (logout, reset, revocation). */
    tokensValidAfter: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`), index().on(t.tenantId)],
);

/** Opaque refresh tokens, stored hashed; a family is one login's chain of rotations. */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid().notNull(),
    familyId: uuid().notNull(),
    tokenHash: text().notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    rotatedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index().on(t.familyId), index().on(t.userId)],
);

/** Single-use tokens mailed to users: invitations and password resets. */
export const userTokens = pgTable(
  "user_tokens",
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text().$type<"invite" | "reset">().notNull(),
    tokenHash: text().notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index().on(t.userId)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    prefix: text().notNull().unique(),
    keyHash: text().notNull().unique(),
    role: text().$type<Role>().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);
