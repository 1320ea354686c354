import { valueSpots } from "./associate";
import { round } from "./detect";
import type { LabelHit } from "./labels";
import type { Layout } from "./layout";
import type { LabelKey } from "./lexicon";
import type { Parser } from "./parsed";
import type { FieldValue } from "./types";

/** One reading of a field: a parsed value next to one of its labels. */
export interface Candidate<T> {
  value: T;
  score: number;
  page: number;
}

// The best a single label → value reading can reach; cross-field checks may raise it.
const BASE = 0.95;

/** Every labelled reading of a key: for each label, the first nearby text its parser accepts. */
export function collect<T>(
  key: LabelKey,
  parser: Parser<T>,
  layout: Layout,
  labelled: Map<number, LabelHit>,
): Candidate<T>[] {
  const found: Candidate<T>[] = [];
  for (const hit of labelled.values()) {
    if (hit.key !== key) continue;
    for (const spot of valueSpots(hit, layout, labelled)) {
      const parsed = parser(spot.raw);
      // The value beside a label is its value even when it does not parse (a masked mobile, "-"):
      // looking further down would find the next row's value.
      if (!parsed && spot.where === "right") break;
      if (!parsed) continue;
      found.push({
        value: parsed.value,
        score: BASE * hit.weight * spot.score * parsed.score * spot.cell.confidence * hit.cell.confidence,
        page: spot.cell.page,
      });
      break;
    }
  }
  return found;
}

/** The best-supported value: agreement between labels raises confidence, a close rival lowers it. */
export function choose<T>(candidates: Candidate<T>[], layout: Layout): FieldValue<T> | null {
  const groups = new Map<string, Candidate<T>[]>();
  for (const candidate of candidates) {
    const key = JSON.stringify(candidate.value);
    groups.set(key, [...(groups.get(key) ?? []), candidate]);
  }
  const ranked = [...groups.values()]
    .map((group) => ({ group, best: group.reduce((a, b) => (b.score > a.score ? b : a)) }))
    .sort((a, b) => b.best.score - a.best.score || b.group.length - a.group.length);
  const [top, rival] = ranked;
  if (!top) return null;
  let confidence = Math.min(top.best.score, 1);
  if (top.group.length > 1) confidence = Math.min(0.99, confidence + 0.03);
  if (rival) confidence *= rival.best.score >= top.best.score * 0.9 ? 0.6 : 0.85;
  return { value: top.best.value, confidence: round(confidence), source: layout.source, page: top.best.page };
}
