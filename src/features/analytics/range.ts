import { AppError } from "../../lib/errors";

export const buckets = ["hour", "day", "week", "month"] as const;
export type Bucket = (typeof buckets)[number];

/** A query's time window: local dates in `tz`, and the UTC instants they span (`to` exclusive). */
export interface TimeRange {
  from: string;
  to: string;
  tz: string;
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;
/** The longest range any analytics query may cover. */
export const MAX_RANGE_DAYS = 366;

/** Whether the runtime (and so Postgres, which shares the IANA names) knows the zone. */
export function isTimeZone(tz: string): boolean {
  if (tz.length > 64) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

// Building a DateTimeFormat costs far more than using one (a tenth of a dashboard call's CPU when
// each offset built its own): one per zone, reused. Formatters hold no request state.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC (ms) at `instant`. */
function offsetAt(instant: number, tz: string): number {
  if (tz === "UTC") return 0;
  const parts = formatterFor(tz).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const local = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return local - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in `tz`. */
export function localMidnight(date: string, tz: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const guess = wall - offsetAt(wall, tz);
  // Re-read the offset at the guess: it differs when a DST change lies between.
  return new Date(wall - offsetAt(guess, tz));
}

/** The local date (YYYY-MM-DD) of `instant` in `tz`. */
export function localDate(instant: Date, tz: string): string {
  return new Date(instant.getTime() + offsetAt(instant.getTime(), tz)).toISOString().slice(0, 10);
}

/** `date` plus `days` (calendar arithmetic on YYYY-MM-DD). */
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Inclusive days from `from` to `to`. */
export const daysIn = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;

/**
 * The window of local dates `from`..`to` (both inclusive) in `tz`; missing ends default to the last
 * `defaultDays` days up to today in `tz`.
 */
export function timeRange(
  input: { from?: string; to?: string; tz?: string },
  now: Date,
  defaultDays = 30,
): TimeRange {
  const tz = input.tz ?? "UTC";
  if (!isTimeZone(tz))
    throw new AppError("validation_failed", "Unknown time zone", [
      { path: "tz", message: "not an IANA time zone" },
    ]);
  const to = input.to ?? localDate(now, tz);
  const from = input.from ?? addDays(to, 1 - defaultDays);
  if (from > to)
    throw new AppError("validation_failed", "from is after to", [{ path: "from", message: "after to" }]);
  if (daysIn(from, to) > MAX_RANGE_DAYS)
    throw new AppError("validation_failed", `At most ${MAX_RANGE_DAYS} days`, [
      { path: "to", message: "range too long" },
    ]);
  return { from, to, tz, start: localMidnight(from, tz), end: localMidnight(addDays(to, 1), tz) };
}

/** The same-length window just before `range` (a KPI's previous period). */
export function previousRange(range: TimeRange): TimeRange {
  const days = daysIn(range.from, range.to);
  const to = addDays(range.from, -1);
  const from = addDays(to, 1 - days);
  return { from, to, tz: range.tz, start: localMidnight(from, range.tz), end: range.start };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Every bucket label in `range` (local wall-clock), so a series has a point for empty buckets too. */
export function bucketLabels(range: TimeRange, bucket: Bucket): string[] {
  const labels: string[] = [];
  const days = daysIn(range.from, range.to);
  for (let i = 0; i < days; i++) {
    const date = addDays(range.from, i);
    if (bucket === "hour") for (let h = 0; h < 24; h++) labels.push(`${date}T${pad(h)}:00`);
    else labels.push(bucketOf(date, bucket));
  }
  return [...new Set(labels)];
}

/** The label of the bucket holding local `date` (week = ISO week starting Monday, as Postgres date_trunc). */
export function bucketOf(date: string, bucket: Exclude<Bucket, "hour">): string {
  if (bucket === "day") return date;
  if (bucket === "month") return `${date.slice(0, 7)}-01`;
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/** The Postgres to_char pattern that yields `bucketLabels`' labels. */
export const bucketFormat = (bucket: Bucket) => (bucket === "hour" ? 'YYYY-MM-DD"T"HH24:00' : "YYYY-MM-DD");
