import {
  boolean,
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
import type { JsonObject } from "../../lib/json";

import { id, timestamps } from "../columns";
import { agents } from "./agents";
import { conversations, messages } from "./conversations";
import { tenants } from "./identity";

export const riskLevels = ["read", "write", "approval_required"] as const;
export type RiskLevel = (typeof riskLevels)[number];
export const autoRunPolicies = ["none", "read", "write"] as const;
export type AutoRunPolicy = (typeof autoRunPolicies)[number];

/** One input of an operation: a path segment, a query parameter, with its JSON Schema. */
export interface OperationParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  description?: string;
  schema: Record<string, unknown>;
}

/** One call the agent may plan against the action's API. */
export interface ActionOperation {
  name: string;
  description: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  parameters: OperationParameter[];
  /** JSON Schema of the JSON request body, if the operation takes one. */
  body?: Record<string, unknown> | null;
  risk: RiskLevel;
  /** Whether a failure of this step stops the plan or lets it continue. */
  onFailure: "stop" | "continue";
}

/** A tenant's downstream API that an agent can act on: where, how to authenticate, which operations. */
export const agentActions = pgTable(
  "agent_actions",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    agentId: uuid()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    baseUrl: text().notNull(),
    /** Default bearer token (AES-GCM sealed), used when the caller forwards none. */
    tokenEncrypted: text(),
    timeoutSeconds: integer().notNull().default(10),
    operations: jsonb().$type<ActionOperation[]>().notNull().default([]),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId), uniqueIndex("agent_actions_agent_name_key").on(t.agentId, t.name)],
);

/** A tenant's rules for plans: what may run without approval, how long a plan waits. */
export const planSettings = pgTable("plan_settings", {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  autoRun: text().$type<AutoRunPolicy>().notNull().default("none"),
  approvalTtlSeconds: integer().notNull().default(900),
  /** The agent `POST /chat/completion` uses when the request names none. */
  defaultAgentId: uuid().references(() => agents.id, { onDelete: "set null" }),
  ...timestamps,
});

/** A `POST /chat/completion` session: the client's sessionId bound to one conversation. */
export const chatSessions = pgTable(
  "chat_sessions",
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: text().notNull(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    agentId: uuid().references(() => agents.id, { onDelete: "set null" }),
    userId: text().notNull(),
    customerUserId: text(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export interface PlanActor {
  kind: "user" | "api_key" | "staff" | "visitor" | "policy" | "system";
  id: string;
  userId?: string;
  customerUserId?: string;
}

/** Postgres copy of a plan; its conversation's room is the writer (`version` orders the copies). */
export const chatPlans = pgTable(
  "chat_plans",
  {
    id: uuid().primaryKey(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    agentId: uuid(),
    sessionId: text(),
    status: text().notNull(),
    request: text().notNull(),
    summary: text().notNull().default(""),
    requestedBy: jsonb().$type<PlanActor>().notNull(),
    decidedBy: jsonb().$type<PlanActor>(),
    decidedAt: timestamp({ withTimezone: true }),
    rejectionReason: text(),
    edits: jsonb().$type<unknown[]>().notNull().default([]),
    result: text(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    version: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.tenantId, t.conversationId, t.createdAt), index().on(t.tenantId, t.sessionId)],
);

export const chatPlanSteps = pgTable(
  "chat_plan_steps",
  {
    id: uuid().primaryKey(),
    planId: uuid()
      .notNull()
      .references(() => chatPlans.id, { onDelete: "cascade" }),
    tenantId: uuid().notNull(),
    index: integer().notNull(),
    actionId: uuid().notNull(),
    operation: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    arguments: jsonb().$type<JsonObject>().notNull(),
    why: text().notNull().default(""),
    risk: text().$type<RiskLevel>().notNull(),
    onFailure: text().notNull(),
    autoRun: boolean().notNull(),
    status: text().notNull(),
    request: jsonb().$type<Record<string, unknown>>(),
    response: jsonb().$type<Record<string, unknown>>(),
    error: text(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    durationMs: integer(),
  },
  (t) => [uniqueIndex("chat_plan_steps_plan_index_key").on(t.planId, t.index), index().on(t.tenantId)],
);

/** A like or dislike of a message: one per rater and message, updatable. */
export const messageFeedback = pgTable(
  "message_feedback",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    conversationId: uuid().notNull(),
    raterKind: text().notNull(),
    raterId: text().notNull(),
    rating: text().$type<"like" | "dislike">().notNull(),
    reasons: jsonb().$type<string[]>().notNull().default([]),
    comment: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("message_feedback_rater_key").on(t.messageId, t.raterKind, t.raterId),
    index().on(t.tenantId, t.rating),
  ],
);
