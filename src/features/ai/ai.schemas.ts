import { z } from "@hono/zod-openapi";
import { nonEmptyUpdate } from "../../lib/route-helpers";
import { text } from "../../lib/text";

const HHMM = text().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM");

export const ModelSettingsSchema = z
  .object({
    provider: z.enum(["openai", "openrouter", "custom"]),
    baseUrl: z
      .url()
      .max(500)
      .optional()
      .openapi({ description: "Required for custom (e.g. a local Ollama: http://localhost:11434/v1)" }),
    model: text().min(1).max(200),
    temperature: z.number().min(0).max(2).default(0.3),
    maxTokens: z.number().int().min(1).max(32_000).default(800),
  })
  .refine((m) => m.provider !== "custom" || m.baseUrl, {
    message: "baseUrl is required for a custom provider",
    path: ["baseUrl"],
  })
  .openapi("ModelSettings");

const timezone = text()
  .max(100)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone such as Europe/Berlin");

export const BusinessHoursSchema = z
  .object({
    timezone,
    weekly: z.partialRecord(
      z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
      z.array(z.tuple([HHMM, HHMM])).max(4),
    ),
  })
  .openapi("BusinessHours");

const agentFields = {
  name: text().trim().min(1).max(120),
  systemPrompt: text().max(20_000).default(""),
  greeting: text().max(2000).nullable().optional(),
  model: ModelSettingsSchema.nullable()
    .optional()
    .openapi({ description: "Absent: the tenant default; none at all: retrieval mode" }),
  collections: z.array(text().min(1).max(200)).max(50).default([]),
  handoffRules: z.object({ keywords: z.array(text().min(1).max(100)).max(50) }).default({ keywords: [] }),
  businessHours: BusinessHoursSchema.nullable().optional(),
  enabled: z.boolean().default(true),
};

export const CreateAgentBody = z.object(agentFields).openapi("CreateAgent");
// An empty update is refused by the service once the agent is found (an unknown id stays a 404).
export const UpdateAgentBody = z
  .object({
    name: agentFields.name.optional(),
    systemPrompt: text().max(20_000).optional(),
    greeting: agentFields.greeting,
    model: agentFields.model,
    collections: z.array(text().min(1).max(200)).max(50).optional(),
    handoffRules: z.object({ keywords: z.array(text().min(1).max(100)).max(50) }).optional(),
    businessHours: agentFields.businessHours,
    enabled: z.boolean().optional(),
  })
  .openapi("UpdateAgent");

export const AgentSchema = z
  .object({
    id: z.uuid(),
    name: text(),
    systemPrompt: text(),
    greeting: text().nullable(),
    model: ModelSettingsSchema.nullable(),
    collections: z.array(text()),
    handoffRules: z.object({ keywords: z.array(text()) }),
    businessHours: BusinessHoursSchema.nullable(),
    enabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Agent");

export const AiConfigSchema = z
  .object({
    providerApiKeySet: z
      .boolean()
      .openapi({ description: "Whether a provider API key is stored (it is never returned)" }),
    defaultModel: ModelSettingsSchema.nullable(),
    defaultSystemPrompt: text(),
    monthlyTokenBudget: z.number().int().nullable(),
  })
  .openapi("AiConfig");

export const PutAiConfigBody = nonEmptyUpdate(
  z.object({
    providerApiKey: text()
      .min(1)
      .max(500)
      .nullable()
      .optional()
      .openapi({ description: "Stored encrypted; null removes it" }),
    defaultModel: ModelSettingsSchema.nullable().optional(),
    defaultSystemPrompt: text().max(20_000).optional(),
    monthlyTokenBudget: z.number().int().positive().nullable().optional(),
  }),
).openapi("PutAiConfig");

export const TestBody = z.object({ message: text().trim().min(1).max(4000) }).openapi("AgentTest");

export const TestResultSchema = z
  .object({
    mode: z.enum(["model", "retrieval"]),
    reply: text(),
    handoff: z.object({ reason: text() }).nullable(),
    citations: z.array(z.object({ documentId: z.uuid(), title: text(), page: z.number().int().nullable() })),
    passages: z.array(
      z.object({
        documentId: z.uuid(),
        title: text(),
        page: z.number().int().nullable(),
        score: z.number(),
        content: text(),
      }),
    ),
    usage: z
      .object({
        model: text(),
        promptTokens: z.number().int(),
        completionTokens: z.number().int(),
        latencyMs: z.number(),
        costEstimate: z.number(),
      })
      .nullable(),
  })
  .openapi("AgentTestResult");
