import { valueSpots } from "./associate";
import { INSURERS, type Insurer } from "./insurers";
import { labelMatcher } from "./labels";
import type { Layout } from "./layout";
import { LEXICON } from "./lexicon";
import type { Parsed } from "./parsed";
import type { FieldValue, ProductLine } from "./types";

const prePass = labelMatcher(
  LEXICON.filter((entry) => entry.key === "previousInsurer" || entry.key === "insurerName"),
).match;

/** The issuing insurer: alias hits weighted by place (page 1 header, an "Insurer" label), ignoring
 * the previous insurer's name. Null when no registered insurer is named. */
export function detectInsurer(layout: Layout): (FieldValue<string> & { insurer: Insurer }) | null {
  const hits = new Map(
    layout.cells.flatMap((cell) => {
      const hit = prePass(cell);
      return hit ? [[cell.id, hit] as const] : [];
    }),
  );
  const ignored = new Set<number>();
  const stated = new Set<number>();
  for (const hit of hits.values()) {
    const target = hit.key === "previousInsurer" ? ignored : stated;
    target.add(hit.cell.id);
    for (const spot of valueSpots(hit, layout, hits)) target.add(spot.cell.id);
  }
  const scores = new Map<Insurer, { score: number; page: number }>();
  for (const cell of layout.cells) {
    if (ignored.has(cell.id)) continue;
    const lower = cell.text.toLowerCase();
    for (const insurer of INSURERS) {
      if (!insurer.aliases.some((alias) => lower.includes(alias))) continue;
      const header = cell.page === 1 && cell.line < 6;
      const weight = stated.has(cell.id) ? 4 : header ? 3 : 1;
      const current = scores.get(insurer) ?? { score: 0, page: cell.page };
      scores.set(insurer, { score: current.score + weight, page: Math.min(current.page, cell.page) });
    }
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1].score - a[1].score);
  const [best, second] = ranked;
  if (!best) return null;
  const margin = (best[1].score - (second?.[1].score ?? 0)) / best[1].score;
  const strength = Math.min(1, best[1].score / 4);
  return {
    insurer: best[0],
    value: best[0].name,
    confidence: round(0.55 + 0.42 * margin * strength),
    source: layout.source,
    page: best[1].page,
  };
}

const MOTOR_WORDS =
  /\b(registration|regn|chassis|engine no|idv|own damage|vehicle|motor|two wheeler|private car|cubic capacity)\b/gi;
const HEALTH_WORDS =
  /\b(sum insured|insured persons?|hospitali[sz]ation|floater|health|members?|pre-existing|cumulative bonus)\b/gi;

/** Motor or health: a health-only insurer decides; otherwise the words of the schedule. */
export function detectProductLine(layout: Layout, insurer: Insurer | null): FieldValue<ProductLine> | null {
  const source = layout.source;
  if (insurer && insurer.lines.length === 1 && insurer.lines[0]) {
    return { value: insurer.lines[0], confidence: 0.97, source, page: 1 };
  }
  let motor = 0;
  let health = 0;
  for (const cell of layout.cells) {
    motor += cell.text.match(MOTOR_WORDS)?.length ?? 0;
    health += cell.text.match(HEALTH_WORDS)?.length ?? 0;
  }
  if (motor === health) return null;
  const value: ProductLine = motor > health ? "motor" : "health";
  const margin = Math.abs(motor - health) / Math.max(motor, health);
  return { value, confidence: round(0.6 + 0.37 * margin), source, page: 1 };
}

const PRODUCT_TYPES: Record<ProductLine, Array<[RegExp, string]>> = {
  motor: [
    [/two[\s-]?wheeler|2[\s-]?wheeler|motor\s?cycle|scooter|\bbike\b/i, "Two Wheeler"],
    [
      /goods carrying|passenger carrying|commercial|\btaxi\b|\bgcv\b|\bpcv\b|\bmisc(ellaneous)? vehicle/i,
      "Commercial Vehicle",
    ],
    [/private car|\bcar\b|four[\s-]?wheeler/i, "Private Car"],
  ],
  health: [
    [/floater/i, "Family Floater"],
    [/\bgroup\b/i, "Group"],
    [/individual/i, "Individual"],
  ],
};

/** The product type, normalised: Private Car, Two Wheeler, Commercial Vehicle; Individual, Family Floater, Group. */
export function classifyProduct(line: ProductLine, raw: string): Parsed<string> | null {
  for (const [re, type] of PRODUCT_TYPES[line]) if (re.test(raw)) return { value: type, score: 1 };
  return null;
}

/** The product type from the schedule's title lines, when no label names it. */
export function productFromTitle(layout: Layout, line: ProductLine): FieldValue<string> | null {
  for (const cell of layout.cells) {
    if (cell.page !== 1 || cell.line > 8 || !/policy|schedule|certificate|plan|insurance/i.test(cell.text))
      continue;
    const parsed = classifyProduct(line, cell.text);
    if (parsed) return { value: parsed.value, confidence: 0.82, source: layout.source, page: 1 };
  }
  return null;
}

/** Confidence rounded to 3 decimals. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
