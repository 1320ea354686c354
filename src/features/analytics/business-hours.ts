import type { TenantBusinessHours as BusinessHours } from "../../db/schema/analytics";

const DAY_MS = 86_400_000;
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's local wall clock at `utcMs`, as if it were UTC (so offset = result − utcMs). */
function wallClock(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(utcMs);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
}

/**
 * The instant a local wall-clock time (given as if UTC) happens in `zone`. In a DST gap (a local time
 * that never happens) it lands just after the gap.
 */
function instantOf(zone: string, wallMs: number): number {
  const offset = wallClock(zone, wallMs) - wallMs;
  const guess = wallMs - offset;
  const corrected = wallClock(zone, guess) - guess;
  return corrected === offset ? guess : wallMs - corrected;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
};

/** The opening spans, in UTC ms, of every local day that can touch [from, to]. */
function openSpans(from: number, to: number, hours: BusinessHours): [number, number][] {
  const zone = hours.timezone;
  const holidays = new Set(hours.holidays);
  const spans: [number, number][] = [];
  // Local midnights, starting the day before (its overnight span may reach into `from`).
  const firstDay = Math.floor(wallClock(zone, from) / DAY_MS) * DAY_MS - DAY_MS;
  const lastDay = Math.floor(wallClock(zone, to) / DAY_MS) * DAY_MS;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    const date = new Date(day);
    if (holidays.has(date.toISOString().slice(0, 10))) continue;
    for (const [open, close] of hours.weekly[WEEKDAYS[date.getUTCDay()] ?? "sun"] ?? []) {
      const start = minutes(open);
      const end = minutes(close) > start ? minutes(close) : minutes(close) + DAY_MS;
      spans.push([instantOf(zone, day + start), instantOf(zone, day + end)]);
    }
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

/**
 * Seconds of [from, to] inside the tenant's business hours: local opening spans per weekday (an
 * overnight span belongs to the day it opens), nothing on holidays, DST-aware through the IANA zone.
 * No hours configured (null, or no spans at all) counts every second, like calendar time.
 */
export function businessSeconds(from: number, to: number, hours: BusinessHours | null): number {
  if (to <= from) return 0;
  const configured = hours && Object.values(hours.weekly).some((spans) => (spans?.length ?? 0) > 0);
  if (!hours || !configured) return Math.round((to - from) / 1000);
  let total = 0;
  let covered = from;
  for (const [start, end] of openSpans(from, to, hours)) {
    // Spans may overlap (an overnight one and the next morning's): count each instant once.
    const lo = Math.max(start, covered);
    const hi = Math.min(end, to);
    if (hi > lo) {
      total += hi - lo;
      covered = hi;
    }
  }
  return Math.round(total / 1000);
}
