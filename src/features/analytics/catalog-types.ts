import type { AnalyticsActor } from "../../db/schema";

/** What a metric can be grouped or filtered by. */
export const dimensions = [
  "channel",
  "agent",
  "user",
  "code",
  "model",
  "status",
  "rating",
  "insurer",
  "source",
] as const;
export type Dimension = (typeof dimensions)[number];

/** Statistics of a duration metric: median and p90 from raw events, mean from rollups where present. */
export const statistics = ["median", "p90", "mean"] as const;
export type Statistic = (typeof statistics)[number];

export type Unit = "count" | "seconds" | "percent" | "ratio" | "tokens" | "usd" | "rupees";

/** Which events a metric reads: names, and optionally one actor. */
export interface EventMatch {
  names: readonly string[];
  actor?: AnalyticsActor;
}

/** Per-conversation facts the AI rates are built from (see metric-sql.ts). */
export type ConversationFlag = "created" | "ai" | "answered" | "handoff" | "noHandoff" | "aiResolved";

/** Policy KPIs computed by the policies dashboard service (src/features/policies/dashboard.service.ts). */
export type PolicyKpi =
  | "policies"
  | "gwp"
  | "netPremium"
  | "brokerage"
  | "cashback"
  | "netRevenue"
  | "averagePremium"
  | "renewalRate";

export type MetricSource =
  | { kind: "count"; events: EventMatch }
  | { kind: "duration"; events: EventMatch; first?: boolean }
  | { kind: "resolutionFull" }
  | { kind: "dimension"; events: EventMatch; key: string; aggregate: "avg" | "sum" }
  | { kind: "eventRatio"; names: readonly [numerator: string, denominator: string]; goodRating?: boolean }
  | { kind: "conversationRate"; numerator: ConversationFlag[]; denominator: ConversationFlag[] }
  | { kind: "usage"; value: "tokens" | "promptTokens" | "completionTokens" | "cost" | "replies" }
  | { kind: "openNow" }
  | { kind: "policy"; kpi: PolicyKpi };

export interface MetricDefinition {
  id: string;
  label: string;
  definition: string;
  unit: Unit;
  /** How the value is aggregated: count, sum, a statistic of durations, a rate, or the current state. */
  aggregation: "count" | "sum" | "mean" | "duration" | "rate" | "gauge";
  /** Allowed groupBy values. */
  dimensions: readonly Dimension[];
  /** Allowed filter fields (the dimensions, except for policy KPIs, which take none). */
  filters: readonly Dimension[];
  /** Whether the value can be bucketed over time (a gauge is a current state). */
  timeseries: boolean;
  source: MetricSource;
}

/** A catalog entry as written (timeseries defaults to true; filters follow the dimensions). */
export type Entry = Omit<MetricDefinition, "timeseries" | "filters"> & { timeseries?: boolean };
