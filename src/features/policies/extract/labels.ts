import type { Cell } from "./layout";
import type { LabelEntry, LabelKey } from "./lexicon";

interface Token {
  norm: string;
  start: number;
  end: number;
}

/** A cell recognised as a label, and the text after the label inside the same cell. */
export interface LabelHit {
  cell: Cell;
  key: LabelKey;
  weight: number;
  /** The rest of the cell after the label and its separator (":", "-"): an inline value, maybe empty. */
  rest: string;
}

// Spelling variants folded so the lexicon lists each label once.
const CANONICAL: Record<string, string> = {
  number: "no",
  num: "no",
  nos: "no",
  regn: "reg",
  registration: "reg",
  "%": "percent",
};

function tokens(text: string): Token[] {
  const found: Token[] = [];
  for (const match of text.matchAll(/e-mail|[\p{L}\p{N}]+|%/giu)) {
    const lower = match[0].toLowerCase().replace("-", "");
    found.push({ norm: CANONICAL[lower] ?? lower, start: match.index, end: match.index + match[0].length });
  }
  return found;
}

interface Compiled {
  words: string[];
  key: LabelKey;
  weight: number;
}

export interface LabelMatcher {
  /** The label a cell starts with, if any. */
  match(cell: Cell): LabelHit | null;
  /** A value without the multi-word label that ends it: text from the next column run into this one
   * ("SPLENDOR PLUS Vehicle No." → "SPLENDOR PLUS"). */
  untilLabel(text: string): string;
}

/** Matches cells against label entries: the longest label that starts the cell wins. */
export function labelMatcher(entries: LabelEntry[]): LabelMatcher {
  const byFirst = new Map<string, Compiled[]>();
  for (const entry of entries) {
    for (const label of entry.labels) {
      const words = tokens(label).map((token) => token.norm);
      const first = words[0];
      if (!first) continue;
      const list = byFirst.get(first) ?? [];
      list.push({ words, key: entry.key, weight: entry.weight ?? 1 });
      byFirst.set(first, list);
    }
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);

  const untilLabel = (text: string): string => {
    const found = tokens(text);
    for (let index = 1; index < found.length; index++) {
      for (const label of byFirst.get(found[index]?.norm ?? "") ?? []) {
        if (label.words.length < 2 || index + label.words.length !== found.length) continue;
        if (label.words.every((word, offset) => found[index + offset]?.norm === word)) {
          return text.slice(0, found[index]?.start).trim();
        }
      }
    }
    return text;
  };

  const match = (cell: Cell): LabelHit | null => {
    const cellTokens = tokens(cell.text);
    const first = cellTokens[0];
    if (!first || cell.text.search(/[\p{L}\p{N}]/u) > 2) return null;
    for (const label of byFirst.get(first.norm) ?? []) {
      if (!label.words.every((word, index) => cellTokens[index]?.norm === word)) continue;
      const end = cellTokens[label.words.length - 1]?.end ?? 0;
      const after = cell.text.slice(end);
      const rest = after
        .replace(/^\s*[.)\]]*\s*(?:\((?:rs\.?|inr|₹|in rs\.?|%)\)\s*)?[:\-–=]?\s*/i, "")
        .trim();
      // "Policy Holder Address" or "Insured Persons": a label followed by more words is not this label,
      // unless a separator marks where the label ends.
      const between = after.slice(0, after.length - rest.length);
      const itemBreak = cell.breaks.some(
        (offset) => offset >= end && offset <= cell.text.length - rest.length,
      );
      if (/^\p{L}/u.test(rest) && !/[:\-–=]/.test(between) && !itemBreak) continue;
      return { cell, key: label.key, weight: label.weight, rest };
    }
    return null;
  };
  return { match, untilLabel };
}
