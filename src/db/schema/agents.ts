import { boolean, index, integer, jsonb, pgTable, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants } from "./identity";

/** Which OpenAI-compatible endpoint and model an agent talks to; absent = retrieval mode. */
export interface ModelSettings {
  provider: "openai" | "openrouter" | "custom";
  baseUrl?: string;
  model: string;
  temperature: number;
  maxTokens: number;
}

export interface HandoffRules {
  /** Extra words or phrases that mean "get me a person", on top of the built-in ones. */
  keywords: string[];
}

/** Weekly opening hours in a time zone, e.g. { mon: [["09:00","17:00"]] }. */
export interface BusinessHours {
  timezone: string;
  weekly: Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", [string, string][]>>;
}

export const agents = pgTable(
  "agents",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    systemPrompt: text().notNull().default(""),
    greeting: text(),
    model: jsonb().$type<ModelSettings>(),
    collections: jsonb().$type<string[]>().notNull().default([]),
    handoffRules: jsonb().$type<HandoffRules>().notNull().default({ keywords: [] }),
    businessHours: jsonb().$type<BusinessHours>(),
    enabled: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);

/** A tenant's AI defaults: the provider key (AES-GCM encrypted), default model, monthly budget. */
export const aiSettings = pgTable("ai_settings", {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  providerApiKeyEncrypted: text(),
  defaultModel: jsonb().$type<ModelSettings>(),
  defaultSystemPrompt: text().notNull().default(""),
  monthlyTokenBudget: integer(),
  ...timestamps,
});

/** One AI reply's cost: tokens, latency, estimate. */
export const aiUsage = pgTable(
  "ai_usage",
  {
    id: uuid().primaryKey(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    agentId: uuid(),
    conversationId: uuid(),
    model: text().notNull(),
    promptTokens: integer().notNull(),
    completionTokens: integer().notNull(),
    latencyMs: integer().notNull(),
    costEstimate: real().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.tenantId, t.createdAt)],
);
