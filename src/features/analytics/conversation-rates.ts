import { type SQL, sql } from "drizzle-orm";
import type { ConversationFlag, Dimension } from "./catalog";
import { cuts, filtersOf, type MetricRequest, type Reader } from "./metric-sql";

/** UTC days `from`..`to` (inclusive) whose per-conversation rows are rebuilt (see rollups.ts). */
export interface DayRun {
  from: string;
  to: string;
}

const RESOLUTION_EVENTS = ["ai_resolution_confirmed", "ai_resolution_assumed", "ai_resolution_revoked"];
// The events the AI rates read (a person's replies are not among them: they set no flag).
const RATE_EVENTS = [
  "conversation_created",
  "ai_answer",
  "reply",
  "handoff",
  "hand_back",
  ...RESOLUTION_EVENTS,
];
/** Which events (as `e`) are rate events: the rollup job and the raw reads share it. */
export const RATE_EVENT_FILTER = sql`e.name in (${sql.join(
  RATE_EVENTS.map((name) => sql`${name}`),
  sql`, `,
)}) and e.conversation_id is not null and (e.name <> 'reply' or e.actor = 'ai')`;

type Part =
  | "channel"
  | "agent"
  | "first_at"
  | "started_at"
  | "ai"
  | "answered"
  | "handoff"
  | "resolved_at"
  | "revoked_at";

/**
 * One conversation's facts over a group of its events: the same columns whether the group is one
 * UTC day (a stored row of analytics_conversation_days) or the raw events of a partial edge.
 */
export const PARTS: Record<Part, SQL> = {
  channel: sql`max(e.channel)`,
  agent: sql`max(e.agent_id::text)`,
  first_at: sql`min(e.at)`,
  started_at: sql`min(e.at) filter (where e.name = 'conversation_created')`,
  ai: sql`bool_or(e.actor = 'ai')`,
  answered: sql`bool_or(e.name = 'ai_answer')`,
  handoff: sql`bool_or(e.name = 'handoff')`,
  resolved_at: sql`max(e.at) filter (where e.name in ('ai_resolution_confirmed', 'ai_resolution_assumed'))`,
  revoked_at: sql`max(e.at) filter (where e.name = 'ai_resolution_revoked')`,
};
/** The parts' column names, in the order analytics_conversation_days is written. */
export const PART_NAMES = Object.keys(PARTS) as Part[];

// How the parts of one conversation's days combine into the whole range's facts. This is exact:
// every part is a max, min or bool_or over that day's events, and such an aggregate over all the
// days' events equals the same aggregate over the days' values (max of maxes, min of mins, OR of
// ORs). In particular the AI resolution compares the latest resolution with the latest revocation
// of the whole range, so an assumed resolution on one day revoked on the next (the customer came
// back within 24 h, across midnight) stays revoked, and a revocation followed by a new resolution
// counts again.
type Combine = (fn: "max" | "min" | "bool_or", column: string) => SQL;
const FLAG_COLUMNS: Record<Exclude<ConversationFlag, "noHandoff">, (agg: Combine) => SQL> = {
  created: (agg) => sql`coalesce(${agg("bool_or", "d.started_at is not null")}, false) as created`,
  ai: (agg) => sql`${agg("bool_or", "d.ai")} as ai`,
  answered: (agg) => sql`${agg("bool_or", "d.answered")} as answered`,
  handoff: (agg) => sql`${agg("bool_or", "d.handoff")} as handoff`,
  aiResolved: (agg) =>
    sql`coalesce(${agg("max", "d.resolved_at")} > coalesce(${agg("max", "d.revoked_at")}, '-infinity'), false) as ai_resolved`,
};
const FLAGS: Record<ConversationFlag, SQL> = {
  created: sql`c.created`,
  ai: sql`c.ai`,
  answered: sql`c.answered`,
  handoff: sql`c.handoff`,
  noHandoff: sql`not c.handoff`,
  aiResolved: sql`c.ai_resolved`,
};
const all = (flags: ConversationFlag[]) =>
  sql.join(
    flags.map((flag) => FLAGS[flag]),
    sql` and `,
  );

/** The raw events of [start, end) as one part per conversation (only the columns the metric reads). */
function rawPart(request: MetricRequest, window: { start: Date; end: Date }, parts: Part[]) {
  return sql`select e.conversation_id, ${sql.join(
    parts.map((part) => sql`${PARTS[part]} as ${sql.raw(part)}`),
    sql`, `,
  )} from analytics_events e
    where e.tenant_id = ${request.tenantId} and e.at >= ${window.start.toISOString()} and e.at < ${window.end.toISOString()}
      and ${RATE_EVENT_FILTER}
    group by e.conversation_id`;
}

function storedPart(request: MetricRequest, run: DayRun, parts: Part[], which: SQL) {
  return sql`select conversation_id, ${sql.raw(parts.join(", "))} from analytics_conversation_days
    where tenant_id = ${request.tenantId} and day >= ${run.from} and day <= ${run.to} and ${which}`;
}

const one: Combine = (_fn, column) => sql.raw(column);
const combined: Combine = (fn, column) => sql.raw(`${fn}(${column})`);

/**
 * AI rates per conversation with events in the range: which facts hold for it (started, AI took
 * part, answered, handed off, and whether its latest AI-resolution event is a confirmation or an
 * assumption rather than a revocation), then numerator over denominator × 100. With `run`, the
 * range's whole UTC days in it are read from the per-conversation-day rollup and the rest raw.
 */
export function conversationRateRows(read: Reader, request: MetricRequest, run: DayRun | null) {
  const { source } = request.metric;
  if (source.kind !== "conversationRate") throw new Error(`${request.metric.id} is not a conversation rate`);
  const columns: Partial<Record<Dimension, SQL>> = { channel: sql`c.channel`, agent: sql`c.agent` };
  const { t, g, groupBy } = cuts(request, columns, sql`c.at`);
  const cut = new Set([...request.filters.map((f) => f.field), request.groupBy]);
  const flags = new Set(
    [...source.numerator, ...source.denominator].map((flag) => (flag === "noHandoff" ? "handoff" : flag)),
  );
  const parts = PART_NAMES.filter(
    (part) =>
      (part === "first_at" && request.bucket) ||
      (part === "started_at" && (request.bucket || flags.has("created"))) ||
      (part === "channel" && cut.has("channel")) ||
      (part === "agent" && cut.has("agent")) ||
      (part === "ai" && flags.has("ai")) ||
      (part === "answered" && flags.has("answered")) ||
      (part === "handoff" && flags.has("handoff")) ||
      ((part === "resolved_at" || part === "revoked_at") && flags.has("aiResolved")),
  );
  const perConversation = (agg: Combine) =>
    sql.join(
      [
        request.bucket
          ? sql`coalesce(${agg("min", "d.started_at")}, ${agg("min", "d.first_at")}) as at`
          : undefined,
        cut.has("channel") ? sql`${agg("max", "d.channel")} as channel` : undefined,
        cut.has("agent") ? sql`${agg("max", "d.agent")} as agent` : undefined,
        ...[...flags].map((flag) => FLAG_COLUMNS[flag](agg)),
      ].filter((part): part is SQL => part !== undefined),
      sql`, `,
    );
  const { start, end } = request.range;
  let conversations: SQL;
  if (!run) {
    // Raw events alone: one row per conversation already.
    conversations = sql`select ${perConversation(one)} from (${rawPart(request, { start, end }, parts)}) d`;
  } else {
    const runStart = new Date(`${run.from}T00:00:00Z`);
    const runEnd = new Date(Date.parse(`${run.to}T00:00:00Z`) + 86_400_000);
    const edges = [
      ...(start < runStart ? [rawPart(request, { start, end: runStart }, parts)] : []),
      ...(runEnd < end ? [rawPart(request, { start: runEnd, end }, parts)] : []),
    ];
    // A conversation whose rate events all fell on one stored day (and none in the raw edges) is
    // that day's row as it stands; only the others are combined per conversation (a hash
    // aggregation over every conversation was most of this query's time).
    const inEdges = edges.length ? sql`conversation_id in (select conversation_id from edge)` : sql`false`;
    const alone = storedPart(request, run, parts, sql`span_from = span_to and not ${inEdges}`);
    const spread = storedPart(request, run, parts, sql`(span_from < span_to or ${inEdges})`);
    conversations = sql`${edges.length ? sql`with edge as (${sql.join(edges, sql` union all `)}) ` : sql``}
      select ${perConversation(one)} from (${alone}) d
      union all
      select ${perConversation(combined)}
      from (${spread}${edges.length ? sql` union all select * from edge` : sql``}) d group by d.conversation_id`;
  }
  return read(sql`select ${t} as t, ${g} as g, count(*) filter (where ${all(source.denominator)}) as n,
      100.0 * count(*) filter (where ${all(source.numerator)}) / nullif(count(*) filter (where ${all(source.denominator)}), 0) as v
    from (${conversations}) c
    where true${sql.join(filtersOf(columns, request.filters), sql``)}${groupBy}`);
}
