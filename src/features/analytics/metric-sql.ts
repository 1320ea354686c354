import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { Dimension, EventMatch, MetricDefinition, Statistic } from "./catalog";
import { type Bucket, bucketFormat, type TimeRange } from "./range";

/** A filter on a catalog dimension: the value is one of `values`. */
export interface Filter {
  field: Dimension;
  values: string[];
}

/** One compiled metric query: the metric, how to cut it, and the window (tenant from the principal). */
export interface MetricRequest {
  tenantId: string;
  metric: MetricDefinition;
  stat: Statistic;
  groupBy?: Dimension;
  bucket?: Bucket;
  filters: Filter[];
  range: TimeRange;
  businessHours: boolean;
}

/** A result row: bucket label, group key, and the sums behind the value (`n` rows, `s` their sum) or the value. */
export interface RawRow {
  t: string | null;
  g: string | null;
  n: number;
  s: number | null;
  v: number | null;
}

// Column expressions are constants chosen from the catalog's closed dimension list, never request text.
const EVENT_COLUMNS: Partial<Record<Dimension, SQL>> = {
  channel: sql`e.channel`,
  agent: sql`e.agent_id::text`,
  user: sql`e.user_id::text`,
  code: sql`e.dims->>'code'`,
  rating: sql`e.value_s::text`,
};
const CONVERSATION_COLUMNS: Partial<Record<Dimension, SQL>> = {
  channel: sql`c.channel`,
  agent: sql`c.agent_id::text`,
  user: sql`c.assignee_id::text`,
  status: sql`c.status`,
};
const USAGE_COLUMNS: Partial<Record<Dimension, SQL>> = {
  agent: sql`u.agent_id::text`,
  model: sql`u.model`,
};

const column = (columns: Partial<Record<Dimension, SQL>>, field: Dimension) => {
  const expression = columns[field];
  if (!expression) throw new Error(`no column for ${field}`);
  return expression;
};

/** ` and <column> in (...)` for each filter. */
export const filtersOf = (columns: Partial<Record<Dimension, SQL>>, filters: Filter[]) =>
  filters.map(
    ({ field, values }) =>
      sql` and ${column(columns, field)} in (${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )})`,
  );

/** `select <t>, <g>` and `group by` for the request's bucket and group over timestamp `at`. */
export function cuts(request: MetricRequest, columns: Partial<Record<Dimension, SQL>>, at: SQL) {
  const t = request.bucket
    ? sql`to_char(date_trunc(${request.bucket}, ${at} at time zone ${request.range.tz}), ${bucketFormat(request.bucket)})`
    : sql`null::text`;
  const g = request.groupBy ? column(columns, request.groupBy) : sql`null::text`;
  const groups = [request.bucket ? sql`1` : undefined, request.groupBy ? sql`2` : undefined].filter(
    (part): part is SQL => part !== undefined,
  );
  const groupBy = groups.length ? sql` group by ${sql.join(groups, sql`, `)}` : sql``;
  return { t, g, groupBy };
}

const eventScope = (request: MetricRequest, match: EventMatch) => sql`e.tenant_id = ${request.tenantId}
  and e.name in (${sql.join(
    match.names.map((name) => sql`${name}`),
    sql`, `,
  )})
  ${match.actor ? sql`and e.actor = ${match.actor}` : sql``}
  and e.at >= ${request.range.start.toISOString()} and e.at < ${request.range.end.toISOString()}
  ${sql.join(filtersOf(EVENT_COLUMNS, request.filters), sql``)}`;

const statOf = (stat: Statistic, value: SQL) =>
  stat === "mean"
    ? sql`avg(${value})`
    : sql`percentile_cont(${stat === "median" ? 0.5 : 0.9}) within group (order by ${value})`;

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** Runs a compiled query and returns its rows (directly, or batched with others: see query-batch.ts). */
export type Reader = (query: SQL) => Promise<RawRow[]>;

/** The reader that runs each query on its own. */
export const directReader =
  (db: Database): Reader =>
  (query) =>
    rows(db, query);

/** A result row as the driver returns it, typed. */
export const toRawRow = (row: Record<string, unknown>): RawRow => ({
  t: (row.t as string | null) ?? null,
  g: row.g === null || row.g === undefined ? null : String(row.g),
  n: Number(row.n ?? 0),
  s: numberOrNull(row.s),
  v: numberOrNull(row.v),
});

async function rows(db: Database, query: SQL): Promise<RawRow[]> {
  const result = await db.execute<Record<string, unknown>>(query);
  return result.rows.map(toRawRow);
}

type RatioSource = Extract<MetricDefinition["source"], { kind: "eventRatio" }>;
/**
 * A ratio as two counts that add up over days and groups: `n` the denominator's events (surveys
 * sent, or responses), `s` the numerator's (responses, or those rated 4–5); the value is 100 · s / n.
 */
export const ratioParts = (source: RatioSource, e: SQL) => {
  const [numerator, denominator] = source.names;
  const good = source.goodRating ? sql` and ${e}.value_s >= 4` : sql``;
  return sql`count(*) filter (where ${e}.name = ${denominator}) as n,
    count(*) filter (where ${e}.name = ${numerator}${good}) as s`;
};

/** Counts, sums, means and ratios of events in a window (`n` and `s`, so they add up with rollups). */
export function additiveEventRows(read: Reader, request: MetricRequest, window?: { start: Date; end: Date }) {
  const { source } = request.metric;
  const scoped = window ? { ...request, range: { ...request.range, ...window } } : request;
  const { t, g, groupBy } = cuts(scoped, EVENT_COLUMNS, sql`e.at`);
  if (source.kind === "count")
    return read(sql`select ${t} as t, ${g} as g, count(*) as n, null as s from analytics_events e
      where ${eventScope(scoped, source.events)}${groupBy}`);
  if (source.kind === "dimension")
    return read(sql`select ${t} as t, ${g} as g, count(*) as n,
      sum(case when jsonb_typeof(e.dims->${source.key}) = 'number' then (e.dims->>${source.key})::numeric else 0 end) as s
      from analytics_events e where ${eventScope(scoped, source.events)}${groupBy}`);
  if (source.kind === "duration")
    return read(sql`select ${t} as t, ${g} as g, count(e.value_s) as n, sum(e.value_s) as s
      from analytics_events e where ${eventScope(scoped, source.events)} and e.value_s is not null${groupBy}`);
  if (source.kind === "eventRatio")
    return read(sql`select ${t} as t, ${g} as g, ${ratioParts(source, sql`e`)}
      from analytics_events e where ${eventScope(scoped, { names: [...new Set(source.names)] })}${groupBy}`);
  throw new Error(`${request.metric.id} is not additive`);
}

/** Statistics that need every raw value (medians, p90, first resolutions, business-hours values). */
export function durationRows(read: Reader, request: MetricRequest) {
  const { source } = request.metric;
  if (source.kind === "resolutionFull") return resolutionFullRows(read, request);
  if (source.kind !== "duration") throw new Error(`${request.metric.id} is not a duration`);
  const value = request.businessHours ? sql`e.value_bh_s` : sql`e.value_s`;
  const { t, g, groupBy } = cuts(request, EVENT_COLUMNS, sql`e.at`);
  const first = source.first
    ? sql` and not exists (select 1 from analytics_events p where p.tenant_id = e.tenant_id
        and p.conversation_id = e.conversation_id and p.name = e.name and p.at < e.at)`
    : sql``;
  return read(sql`select ${t} as t, ${g} as g, count(${value}) as n, ${statOf(request.stat, value)} as v
    from analytics_events e where ${eventScope(request, source.events)} and ${value} is not null${first}${groupBy}`);
}

/** Start to latest resolution in the range, per conversation resolved in the range. */
function resolutionFullRows(read: Reader, request: MetricRequest) {
  const value = request.businessHours ? sql`x.bh` : sql`x.cal`;
  const columns: Partial<Record<Dimension, SQL>> = {
    channel: sql`x.channel`,
    agent: sql`x.agent`,
    user: sql`x.usr`,
  };
  const { t, g, groupBy } = cuts(request, columns, sql`x.at`);
  const match = { names: ["conversation_resolved"] };
  return read(sql`select ${t} as t, ${g} as g, count(${value}) as n, ${statOf(request.stat, value)} as v from (
      select max(e.at) as at, max(e.channel) as channel, max(e.agent_id::text) as agent,
        (array_agg(e.user_id::text order by e.at desc))[1] as usr, sum(e.value_bh_s) as bh,
        extract(epoch from max(e.at) - (select min(s.at) from analytics_events s where s.tenant_id = e.tenant_id
          and s.conversation_id = e.conversation_id and s.name = 'conversation_created')) as cal
      from analytics_events e where ${eventScope(request, match)} and e.conversation_id is not null
      group by e.tenant_id, e.conversation_id) x
    where ${value} is not null${groupBy}`);
}

const USAGE_VALUES = {
  tokens: sql`sum(u.prompt_tokens + u.completion_tokens)`,
  promptTokens: sql`sum(u.prompt_tokens)`,
  completionTokens: sql`sum(u.completion_tokens)`,
  cost: sql`sum(u.cost_estimate)`,
  replies: sql`count(*)`,
};

/** Tokens and cost from the stored AI usage rows. */
export function usageRows(read: Reader, request: MetricRequest) {
  const { source } = request.metric;
  if (source.kind !== "usage") throw new Error(`${request.metric.id} is not usage`);
  const { t, g, groupBy } = cuts(request, USAGE_COLUMNS, sql`u.created_at`);
  return read(sql`select ${t} as t, ${g} as g, count(*) as n, ${USAGE_VALUES[source.value]} as v
    from ai_usage u where u.tenant_id = ${request.tenantId}
      and u.created_at >= ${request.range.start.toISOString()} and u.created_at < ${request.range.end.toISOString()}
      ${sql.join(filtersOf(USAGE_COLUMNS, request.filters), sql``)}${groupBy}`);
}

/** Conversations not resolved or expired right now. */
export function openNowRows(read: Reader, request: MetricRequest) {
  const { g, groupBy } = cuts({ ...request, bucket: undefined }, CONVERSATION_COLUMNS, sql`c.created_at`);
  return read(sql`select null::text as t, ${g} as g, count(*) as n, count(*) as v from conversations c
    where c.tenant_id = ${request.tenantId} and c.status in ('open', 'pending_human', 'with_human')
      ${sql.join(filtersOf(CONVERSATION_COLUMNS, request.filters), sql``)}${groupBy}`);
}
