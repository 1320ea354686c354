import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { catalog, type Dimension, type EventMatch, type MetricDefinition } from "./catalog";
import { type DayRun, PART_NAMES, PARTS, RATE_EVENT_FILTER } from "./conversation-rates";
import { additiveEventRows, type MetricRequest, type RawRow, type Reader } from "./metric-sql";
import { addDays, bucketOf } from "./range";

/** What a request's reads share: the database and memoised lookups. */
export interface RollupContext {
  db: Database;
  memo: Map<string, Promise<unknown>>;
  /** Runs the rollup and raw-edge queries (batched with the request's other small queries). */
  read: Reader;
}

/** The rollup row that says a (tenant, day) was rebuilt completely, so its other rows can be trusted. */
export const BUILT_MARKER = "__built__";
/**
 * The same for the day's analytics_conversation_days rows. Its own marker, because days rebuilt
 * before that table existed have the daily totals but no per-conversation rows.
 */
export const CONVERSATION_DAYS_MARKER = "__built_conversation_days__";
const ROLLUP_DIMENSIONS: Partial<Record<Dimension, string>> = {
  channel: "e.channel",
  agent: "e.agent_id::text",
  user: "e.user_id::text",
  code: "e.dims->>'code'",
};

/** Metrics whose daily totals add up: counts, sums of a dimension, and durations (for their mean). */
export function isRollable(metric: MetricDefinition): boolean {
  const { source } = metric;
  return (
    source.kind === "count" ||
    source.kind === "dimension" ||
    source.kind === "eventRatio" ||
    (source.kind === "duration" && !source.first)
  );
}

const rollable = catalog.filter(isRollable);

/**
 * Rebuilds the daily rollups (UTC days `fromDay`..`toDay`) of one tenant or all: every rollable
 * metric per day in total and per dimension, and a marker per tenant and day. One transaction, so a
 * reader sees either the old or the new day.
 */
export async function rebuildRollups(
  db: Database,
  options: { fromDay: string; toDay: string; tenantId?: string },
): Promise<{ rows: number }> {
  const start = `${options.fromDay}T00:00:00Z`;
  const end = `${addDays(options.toDay, 1)}T00:00:00Z`;
  const tenant = (column: string) =>
    options.tenantId ? sql` and ${sql.raw(column)} = ${options.tenantId}` : sql``;
  let inserted = 0;
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`delete from analytics_rollups r where r.day >= ${options.fromDay} and r.day <= ${options.toDay}${tenant("r.tenant_id")}`,
    );
    await tx.execute(
      sql`delete from analytics_conversation_days r where r.day >= ${options.fromDay} and r.day <= ${options.toDay}${tenant("r.tenant_id")}`,
    );
    const day = sql`to_char(e.at at time zone 'UTC', 'YYYY-MM-DD')`;
    const days = await tx.execute(sql`insert into analytics_conversation_days
        (tenant_id, day, conversation_id, span_from, span_to, ${sql.raw(PART_NAMES.join(", "))})
      select e.tenant_id, ${day}, e.conversation_id, ${day}, ${day}, ${sql.join(
        PART_NAMES.map((part) => PARTS[part]),
        sql`, `,
      )}
      from analytics_events e
      where ${RATE_EVENT_FILTER} and e.at >= ${start} and e.at < ${end}${tenant("e.tenant_id")}
      group by e.tenant_id, ${day}, e.conversation_id`);
    inserted += days.rowCount ?? 0;
    // Every stored day of a conversation with a rebuilt day knows the conversation's stored span.
    await tx.execute(sql`update analytics_conversation_days d set span_from = s.first, span_to = s.last
      from (select c.tenant_id, c.conversation_id, min(c.day) as first, max(c.day) as last
        from analytics_conversation_days c
        where (c.tenant_id, c.conversation_id) in (select r.tenant_id, r.conversation_id from analytics_conversation_days r
          where r.day >= ${options.fromDay} and r.day <= ${options.toDay}${tenant("r.tenant_id")})
        group by c.tenant_id, c.conversation_id) s
      where d.tenant_id = s.tenant_id and d.conversation_id = s.conversation_id
        and (d.span_from <> s.first or d.span_to <> s.last)`);
    for (const metric of rollable) {
      const { source } = metric;
      if (
        source.kind !== "count" &&
        source.kind !== "dimension" &&
        source.kind !== "duration" &&
        source.kind !== "eventRatio"
      )
        continue;
      const ratio = source.kind === "eventRatio" ? source : null;
      const { names, actor }: EventMatch =
        source.kind === "eventRatio" ? { names: [...new Set(source.names)] } : source.events;
      // A ratio's day keeps its denominator's events as `count` and its numerator's as `sum_value`.
      const good = ratio?.goodRating ? sql` and e.value_s >= 4` : sql``;
      const value = ratio
        ? sql`case when e.name = ${ratio.names[0]}${good} then 1 else 0 end`
        : source.kind === "dimension"
          ? sql`case when jsonb_typeof(e.dims->${source.key}) = 'number' then (e.dims->>${source.key})::numeric else 0 end`
          : source.kind === "duration"
            ? sql`e.value_s`
            : sql`0`;
      const counted = ratio
        ? sql`count(*) filter (where e.name = ${ratio.names[1]})`
        : source.kind === "duration"
          ? sql`count(e.value_s)`
          : sql`count(*)`;
      const kept = ratio ? sql`count(*)` : counted;
      const dims = metric.dimensions.filter((d) => ROLLUP_DIMENSIONS[d]);
      const sets = [sql`()`, ...dims.map((d) => sql`(${sql.raw(ROLLUP_DIMENSIONS[d] ?? "")})`)];
      const typeOf = sql.join(
        dims.map((d) => sql`when grouping(${sql.raw(ROLLUP_DIMENSIONS[d] ?? "")}) = 0 then ${d}`),
        sql` `,
      );
      const dimensionOf = sql.join(
        dims.map(
          (d) =>
            sql`when grouping(${sql.raw(ROLLUP_DIMENSIONS[d] ?? "")}) = 0 then coalesce(${sql.raw(ROLLUP_DIMENSIONS[d] ?? "")}, '')`,
        ),
        sql` `,
      );
      const result = await tx.execute(sql`insert into analytics_rollups
          (tenant_id, metric, dimension_type, dimension, day, count, sum_value, sum_value_bh)
        select e.tenant_id, ${metric.id}, case ${typeOf} else '' end, case ${dimensionOf} else '' end,
          to_char(e.at at time zone 'UTC', 'YYYY-MM-DD'), ${counted}, round(coalesce(sum(${value}), 0)),
          coalesce(sum(e.value_bh_s), 0)
        from analytics_events e
        where e.name in (${sql.join(
          names.map((n) => sql`${n}`),
          sql`, `,
        )}) ${actor ? sql`and e.actor = ${actor}` : sql``}
          and e.at >= ${start} and e.at < ${end}${tenant("e.tenant_id")}
        group by e.tenant_id, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD'), grouping sets (${sql.join(sets, sql`, `)})
        having ${kept} > 0`);
      inserted += result.rowCount ?? 0;
    }
    const markers = await tx.execute(sql`insert into analytics_rollups (tenant_id, metric, day)
      select t.id, m.metric, to_char(d, 'YYYY-MM-DD')
      from tenants t cross join generate_series(${options.fromDay}::date, ${options.toDay}::date, interval '1 day') d
        cross join (values (${BUILT_MARKER}), (${CONVERSATION_DAYS_MARKER})) m(metric)
      where true${tenant("t.id")}`);
    inserted += markers.rowCount ?? 0;
  });
  return { rows: inserted };
}

/** The nightly job: the last three complete UTC days (late outbox rows land in the day they happened). */
export function scheduledRollupDays(now: Date): { fromDay: string; toDay: string } {
  const today = now.toISOString().slice(0, 10);
  return { fromDay: addDays(today, -3), toDay: addDays(today, -1) };
}

type Run = DayRun | null;
type BuiltRuns = Record<typeof BUILT_MARKER | typeof CONVERSATION_DAYS_MARKER, DayRun[]>;

/**
 * Every run of consecutive rebuilt days of the tenant, per marker (one round trip per request, sent
 * as soon as the request's context exists so that it travels with the request's first reads).
 */
export function builtRuns(context: Pick<RollupContext, "db" | "memo">, tenantId: string): Promise<BuiltRuns> {
  let runs = context.memo.get("built") as Promise<BuiltRuns> | undefined;
  if (!runs) {
    runs = readBuiltRuns(context.db, tenantId);
    context.memo.set("built", runs);
  }
  return runs;
}

async function readBuiltRuns(db: Database, tenantId: string): Promise<BuiltRuns> {
  // Consecutive days share `day - row_number()` (gaps and islands): one row per run.
  const result = await db.execute<{ metric: string; from: string; to: string }>(sql`
    select metric, min(day) as "from", max(day) as "to" from (
      select metric, day, day::date - (row_number() over (partition by metric order by day))::int as island
      from analytics_rollups
      where tenant_id = ${tenantId} and metric in (${BUILT_MARKER}, ${CONVERSATION_DAYS_MARKER})
        and dimension_type = '' and dimension = '') m
    group by metric, island`);
  const runs: BuiltRuns = { [BUILT_MARKER]: [], [CONVERSATION_DAYS_MARKER]: [] };
  for (const row of result.rows) runs[row.metric as keyof BuiltRuns]?.push({ from: row.from, to: row.to });
  return runs;
}

/** The longest stretch of `runs` within the days `from`..`to`. */
function longestWithin(runs: DayRun[], from: string, to: string): Run {
  let best: Run = null;
  const length = (run: DayRun) => Date.parse(run.to) - Date.parse(run.from);
  for (const run of runs) {
    const clipped = { from: run.from > from ? run.from : from, to: run.to < to ? run.to : to };
    if (clipped.from <= clipped.to && (!best || length(clipped) > length(best))) best = clipped;
  }
  return best;
}

/** The longest run of rebuilt days within the request's UTC range. */
async function builtRun(context: RollupContext, request: MetricRequest): Promise<Run> {
  const runs = await builtRuns(context, request.tenantId);
  return longestWithin(runs[BUILT_MARKER], request.range.from, request.range.to);
}

/**
 * The longest run of UTC days with per-conversation rows that lies wholly inside the request's
 * window (in any zone: the rows keep their instants, so buckets and edges stay exact).
 */
export async function conversationDaysRun(context: RollupContext, request: MetricRequest): Promise<Run> {
  const day = (instant: Date) => instant.toISOString().slice(0, 10);
  const { start, end } = request.range;
  const first = start.getTime() % 86_400_000 === 0 ? day(start) : addDays(day(start), 1);
  const last = addDays(day(end), -1);
  if (first > last) return null;
  const runs = await builtRuns(context, request.tenantId);
  return longestWithin(runs[CONVERSATION_DAYS_MARKER], first, last);
}

/** Whether a request can read rollups: whole UTC days, at most one dimension, calendar values. */
export function canUseRollups(request: MetricRequest): boolean {
  if (!isRollable(request.metric) || request.range.tz !== "UTC" || request.bucket === "hour") return false;
  if (request.metric.source.kind === "duration" && (request.stat !== "mean" || request.businessHours))
    return false;
  const fields = new Set([
    ...request.filters.map((f) => f.field),
    ...(request.groupBy ? [request.groupBy] : []),
  ]);
  // One rollup dimension at a time, and one filter on it (two on the same field must both hold).
  return (
    request.filters.length <= 1 && fields.size <= 1 && [...fields].every((field) => ROLLUP_DIMENSIONS[field])
  );
}

/**
 * Additive rows for the request: rebuilt days from the rollups, the rest (today, unbuilt days) from
 * raw events, added together by bucket and group.
 */
export async function additiveRows(context: RollupContext, request: MetricRequest): Promise<RawRow[]> {
  const { read } = context;
  const run = canUseRollups(request) ? await builtRun(context, request) : null;
  if (!run) return additiveEventRows(read, request);
  const runStart = new Date(`${run.from}T00:00:00Z`);
  const runEnd = new Date(`${addDays(run.to, 1)}T00:00:00Z`);
  const { start, end } = request.range;
  const [rolled, before, after] = await Promise.all([
    rollupRows(read, request, run),
    start < runStart ? additiveEventRows(read, request, { start, end: runStart }) : [],
    runEnd < end ? additiveEventRows(read, request, { start: runEnd, end }) : [],
  ]);
  const merged = new Map<string, RawRow>();
  for (const row of [...rolled, ...before, ...after]) {
    const key = `${row.t}\u0000${row.g}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...row });
    else {
      seen.n += row.n;
      seen.s = (seen.s ?? 0) + (row.s ?? 0);
    }
  }
  return [...merged.values()];
}

async function rollupRows(read: Reader, request: MetricRequest, run: { from: string; to: string }) {
  const filter = request.filters[0];
  const dimensionType = request.groupBy ?? filter?.field ?? "";
  const result = await read(sql`
    select day as t, dimension as g, sum(count) as n, sum(sum_value) as s, null::numeric as v from analytics_rollups
    where tenant_id = ${request.tenantId} and metric = ${request.metric.id} and dimension_type = ${dimensionType}
      and day >= ${run.from} and day <= ${run.to}
      ${
        filter
          ? sql`and dimension in (${sql.join(
              filter.values.map((v) => sql`${v}`),
              sql`, `,
            )})`
          : sql``
      }
    group by day, dimension`);
  const bucket = request.bucket;
  return result.map(
    (row): RawRow => ({
      t: bucket && bucket !== "hour" && row.t ? bucketOf(row.t, bucket) : null,
      g: request.groupBy ? (row.g === "" ? null : row.g) : null,
      n: row.n,
      s: row.s ?? 0,
      v: null,
    }),
  );
}
