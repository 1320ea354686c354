import type { AnalyticsActor } from "../../db/schema";
import { policyEntries } from "./catalog-policies";

import type { Entry, MetricDefinition, MetricSource } from "./catalog-types";

export * from "./catalog-types";

const CONVERSATION_DIMS = ["channel", "agent", "user"] as const;
const count = (names: string[], actor?: AnalyticsActor): MetricSource => ({
  kind: "count",
  events: { names, actor },
});

const entries: Entry[] = [
  {
    id: "conversations_new",
    label: "New conversations",
    definition: "Conversations started in the range (event conversation_created).",
    unit: "count",
    aggregation: "count",
    dimensions: CONVERSATION_DIMS,
    source: count(["conversation_created"]),
  },
  {
    id: "conversations_reopened",
    label: "Reopened conversations",
    definition: "Times a resolved conversation was reopened in the range (event conversation_reopened).",
    unit: "count",
    aggregation: "count",
    dimensions: CONVERSATION_DIMS,
    source: count(["conversation_reopened"]),
  },
  {
    id: "conversations_resolved",
    label: "Resolutions",
    definition:
      "Times a conversation was resolved in the range, reopened ones again at each resolution (event conversation_resolved).",
    unit: "count",
    aggregation: "count",
    dimensions: CONVERSATION_DIMS,
    source: count(["conversation_resolved"]),
  },
  {
    id: "conversations_open_now",
    label: "Open now",
    definition:
      "Conversations not resolved or expired at the moment of the query (open, pending_human or with_human); the range does not apply.",
    unit: "count",
    aggregation: "gauge",
    dimensions: ["channel", "agent", "user", "status"],
    timeseries: false,
    source: { kind: "openNow" },
  },
  {
    id: "frt_human",
    label: "First response time (human)",
    definition:
      "From the first customer message after the latest of {conversation start, last AI→human handoff, last reopen} to the first public human reply (event first_human_reply, value). AI, bot and automation messages never stop this clock.",
    unit: "seconds",
    aggregation: "duration",
    dimensions: CONVERSATION_DIMS,
    source: { kind: "duration", events: { names: ["first_human_reply"], actor: "human" } },
  },
  {
    id: "frt_ai",
    label: "First response time (AI)",
    definition:
      "The same clock as frt_human, stopped by the first AI answer (events ai_answer that carry a value). Reported separately, never blended into frt_human.",
    unit: "seconds",
    aggregation: "duration",
    dimensions: ["channel", "agent"],
    source: { kind: "duration", events: { names: ["ai_answer"], actor: "ai" } },
  },
  {
    id: "reply_time",
    label: "Reply time (human)",
    definition:
      "For each customer message not yet answered, the time to the next human reply (events reply by a human, value).",
    unit: "seconds",
    aggregation: "duration",
    dimensions: CONVERSATION_DIMS,
    source: { kind: "duration", events: { names: ["reply"], actor: "human" } },
  },
  {
    id: "reply_time_ai",
    label: "Reply time (AI)",
    definition: "The AI variant of reply_time (events reply by the AI that carry a value).",
    unit: "seconds",
    aggregation: "duration",
    dimensions: ["channel", "agent"],
    source: { kind: "duration", events: { names: ["reply"], actor: "ai" } },
  },
  {
    id: "resolution_time_first",
    label: "First resolution time",
    definition:
      "From the conversation's start to its first resolution (the value of its first conversation_resolved event).",
    unit: "seconds",
    aggregation: "duration",
    dimensions: CONVERSATION_DIMS,
    source: { kind: "duration", events: { names: ["conversation_resolved"] }, first: true },
  },
  {
    id: "resolution_time_full",
    label: "Full resolution time",
    definition:
      "From the conversation's start to its latest resolution in the range (reopenings extend it). In business hours: the sum of the business time of each open stretch.",
    unit: "seconds",
    aggregation: "duration",
    dimensions: CONVERSATION_DIMS,
    source: { kind: "resolutionFull" },
  },
  {
    id: "resolution_time_human",
    label: "Resolution time (human only)",
    definition:
      "For each resolution of a conversation a person replied in: from its start (or latest reopen) to the resolution, minus the stretches the AI owned it (open with an AI agent, until a handoff, a person taking over or a resolution; again after a hand-back) (event human_resolution, value). Bot time is never human time.",
    unit: "seconds",
    aggregation: "duration",
    dimensions: CONVERSATION_DIMS,
    source: { kind: "duration", events: { names: ["human_resolution"], actor: "human" } },
  },
  {
    id: "ai_involvement_rate",
    label: "AI involvement rate",
    definition:
      "Conversations started in the range in which the AI took part / all conversations started in the range × 100.",
    unit: "percent",
    aggregation: "rate",
    dimensions: ["channel", "agent"],
    source: { kind: "conversationRate", numerator: ["created", "ai"], denominator: ["created"] },
  },
  {
    id: "ai_answer_rate",
    label: "AI answer rate",
    definition:
      "AI-involved conversations with at least one AI answer (a greeting is not an answer) / AI-involved × 100.",
    unit: "percent",
    aggregation: "rate",
    dimensions: ["channel", "agent"],
    source: { kind: "conversationRate", numerator: ["ai", "answered"], denominator: ["ai"] },
  },
  {
    id: "ai_resolution_rate",
    label: "AI resolution rate",
    definition:
      "(Confirmed + assumed AI resolutions) / AI-involved × 100. Assumed: no reply and no request for a human within 24 h of the AI's last answer; a later return for help revokes it (ai_resolution_revoked).",
    unit: "percent",
    aggregation: "rate",
    dimensions: ["channel", "agent"],
    source: { kind: "conversationRate", numerator: ["ai", "aiResolved"], denominator: ["ai"] },
  },
  {
    id: "automation_rate",
    label: "Automation rate",
    definition: "AI-resolved conversations / all conversations started in the range × 100.",
    unit: "percent",
    aggregation: "rate",
    dimensions: ["channel", "agent"],
    source: { kind: "conversationRate", numerator: ["created", "aiResolved"], denominator: ["created"] },
  },
  {
    id: "handoff_rate",
    label: "Handoff rate",
    definition: "AI-involved conversations handed to a human / AI-involved × 100.",
    unit: "percent",
    aggregation: "rate",
    dimensions: ["channel", "agent"],
    source: { kind: "conversationRate", numerator: ["ai", "handoff"], denominator: ["ai"] },
  },
  {
    id: "deflection_rate",
    label: "Deflection rate",
    definition: "AI-involved conversations with no handoff / AI-involved × 100. Deflection, not resolution.",
    unit: "percent",
    aggregation: "rate",
    dimensions: ["channel", "agent"],
    source: { kind: "conversationRate", numerator: ["ai", "noHandoff"], denominator: ["ai"] },
  },
  {
    id: "citations_per_answer",
    label: "Citations per AI answer",
    definition: "Mean number of knowledge citations per AI answer (ai_answer dims.citations).",
    unit: "ratio",
    aggregation: "mean",
    dimensions: ["channel", "agent"],
    source: { kind: "dimension", events: { names: ["ai_answer"] }, key: "citations", aggregate: "avg" },
  },
  {
    id: "ai_answers",
    label: "AI answers",
    definition: "AI answers given (event ai_answer).",
    unit: "count",
    aggregation: "count",
    dimensions: ["channel", "agent"],
    source: count(["ai_answer"]),
  },
  {
    id: "handoffs",
    label: "Handoffs",
    definition: "AI→human handoffs (event handoff).",
    unit: "count",
    aggregation: "count",
    dimensions: ["channel", "agent"],
    source: count(["handoff"]),
  },
  {
    id: "ai_tokens",
    label: "AI tokens",
    definition: "Prompt + completion tokens of every AI reply (stored AI usage rows).",
    unit: "tokens",
    aggregation: "sum",
    dimensions: ["agent", "model"],
    source: { kind: "usage", value: "tokens" },
  },
  {
    id: "ai_cost",
    label: "AI cost",
    definition: "Estimated provider cost of every AI reply in USD (stored AI usage rows).",
    unit: "usd",
    aggregation: "sum",
    dimensions: ["agent", "model"],
    source: { kind: "usage", value: "cost" },
  },
  {
    id: "csat_score",
    label: "CSAT score",
    definition: "Ratings of 4 or 5 / all responses × 100, on a 1–5 scale (events csat_response).",
    unit: "percent",
    aggregation: "rate",
    dimensions: CONVERSATION_DIMS,
    source: { kind: "eventRatio", names: ["csat_response", "csat_response"], goodRating: true },
  },
  {
    id: "csat_response_rate",
    label: "CSAT response rate",
    definition: "Survey responses / surveys sent × 100 (events csat_response over csat_sent).",
    unit: "percent",
    aggregation: "rate",
    dimensions: CONVERSATION_DIMS,
    source: { kind: "eventRatio", names: ["csat_response", "csat_sent"] },
  },
  {
    id: "csat_responses",
    label: "CSAT responses",
    definition: "Survey responses received (event csat_response); group by rating for the distribution.",
    unit: "count",
    aggregation: "count",
    dimensions: ["channel", "agent", "user", "rating"],
    source: count(["csat_response"]),
  },
  {
    id: "messages_in",
    label: "Messages in",
    definition: "Customer messages received (event message_in).",
    unit: "count",
    aggregation: "count",
    dimensions: CONVERSATION_DIMS,
    source: count(["message_in"]),
  },
  {
    id: "messages_out",
    label: "Messages out",
    definition: "Replies sent to customers by people and the AI (event reply).",
    unit: "count",
    aggregation: "count",
    dimensions: CONVERSATION_DIMS,
    source: count(["reply"]),
  },
  {
    id: "channel_delivery_failures",
    label: "Delivery failures",
    definition:
      "Outbound messages a channel refused or failed to deliver, by provider error code (event channel_delivery_failed, dims.code).",
    unit: "count",
    aggregation: "count",
    dimensions: ["channel", "code"],
    source: count(["channel_delivery_failed"]),
  },
  {
    id: "window_closed",
    label: "Window-closed refusals",
    definition:
      "Replies refused because the channel's customer-care window had closed (event window_closed).",
    unit: "count",
    aggregation: "count",
    dimensions: ["channel"],
    source: count(["window_closed"]),
  },
  {
    id: "template_sends",
    label: "Template sends",
    definition: "Template messages sent (WhatsApp; event template_sent).",
    unit: "count",
    aggregation: "count",
    dimensions: ["channel"],
    source: count(["template_sent"]),
  },
  ...(["proposed", "approved", "rejected", "executed"] as const).map(
    (state): Entry => ({
      id: `plans_${state}`,
      label: `Plans ${state}`,
      definition: `Action plans ${state} (event plan_${state}).`,
      unit: "count",
      aggregation: "count",
      dimensions: ["channel", "agent"],
      source: count([`plan_${state}`]),
    }),
  ),
  {
    id: "plan_step_failures",
    label: "Plan step failures",
    definition: "Steps that failed in executed plans (sum of plan_executed dims.failedSteps).",
    unit: "count",
    aggregation: "sum",
    dimensions: ["channel", "agent"],
    source: { kind: "dimension", events: { names: ["plan_executed"] }, key: "failedSteps", aggregate: "sum" },
  },
  ...policyEntries(),
];

/** The metric catalog: the only metrics queries and dashboards may use. */
export const catalog: readonly MetricDefinition[] = entries.map((entry) => ({
  timeseries: true,
  filters: entry.source.kind === "policy" ? [] : entry.dimensions,
  ...entry,
}));

const byId = new Map(catalog.map((metric) => [metric.id, metric]));

/** A catalog metric by id, or undefined. */
export const metricById = (id: string) => byId.get(id);
