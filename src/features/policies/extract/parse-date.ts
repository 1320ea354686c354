import type { Parsed } from "./parsed";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_NAME = "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?";
// Day first, as Indian schedules print them: 12/03/2025, 12-03-2025, 12.03.2025, 12-Mar-2025,
// 12 March 2025, 12-Mar-25; also ISO 2025-03-12.
const PATTERNS: Array<{ re: RegExp; order: "dmy" | "ymd" }> = [
  { re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/, order: "ymd" },
  { re: /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b/, order: "dmy" },
  {
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?[\\s/.-]*${MONTH_NAME}[\\s/.,-]*(\\d{4}|\\d{2})\\b`, "i"),
    order: "dmy",
  },
];

/** Every date in the text, in order, as ISO strings (a period "01/04/2025 to 31/03/2026" gives two). */
export function findDates(raw: string): string[] {
  const found: Array<{ index: number; iso: string }> = [];
  for (const { re, order } of PATTERNS) {
    const global = new RegExp(re.source, `${re.flags.replace("g", "")}g`);
    for (const match of raw.matchAll(global)) {
      const iso = order === "ymd" ? toIso(match[1], match[2], match[3]) : toIso(match[3], match[2], match[1]);
      if (iso && !found.some((other) => overlaps(other.index, match.index)))
        found.push({ index: match.index, iso });
    }
  }
  return found.sort((a, b) => a.index - b.index).map((date) => date.iso);
}

/** The first date in the text. */
export function parseDate(raw: string): Parsed<string> | null {
  const [first] = findDates(raw);
  return first ? { value: first, score: 1 } : null;
}

/** A period printed in one value ("From 01/04/2025 00:00 To Midnight of 31/03/2026"): start and end. */
export function parseRange(raw: string): Parsed<[string, string]> | null {
  const dates = findDates(raw);
  const [start, end] = dates;
  return start && end && dates.length === 2 ? { value: [start, end], score: 1 } : null;
}

function overlaps(a: number, b: number): boolean {
  return Math.abs(a - b) < 6;
}

function toIso(year?: string, month?: string, day?: string): string | null {
  if (!year || !month || !day) return null;
  const y = year.length === 2 ? 2000 + Number(year) : Number(year);
  const monthIndex = MONTHS.indexOf(month.slice(0, 3).toLowerCase());
  const m = monthIndex >= 0 ? monthIndex + 1 : Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2200) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}
