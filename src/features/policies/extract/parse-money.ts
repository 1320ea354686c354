import type { Parsed } from "./parsed";

// Percentages printed next to a tax or discount ("GST @18%", "(25%)") are rates, not amounts.
const RATE = /@?\s*\(?\s*\d{1,2}(?:\.\d+)?\s*%\s*\)?/g;
const CURRENCY = /(?:₹|\bRs\.?|\bINR\b|\bRupees\b)/gi;
// Indian grouping (12,34,567.00), western grouping (1,234,567) or none; an optional "/-" suffix.
const AMOUNT = /^(-)?\s*(\d{1,3}(?:,\d{2})*,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(?:\/-)?$/;

/** A rupee amount as integer paise: "₹ 12,34,567.00", "Rs. 12,345/-", "INR 980.5", "Nil". */
export function parseMoney(raw: string): Parsed<number> | null {
  const text = raw.replace(RATE, " ").replace(CURRENCY, " ").replace(/\s+/g, " ").trim();
  if (/^(nil|exempt(ed)?)$/i.test(text)) return { value: 0, score: 0.9 };
  const match = AMOUNT.exec(text.replace(/^\((.*)\)$/, "-$1"));
  if (!match?.[2]) return null;
  const rupees = Number(match[2].replace(/,/g, ""));
  const paise = Number((match[3] ?? "0").padEnd(2, "0"));
  if (!Number.isSafeInteger(rupees)) return null;
  const value = rupees * 100 + paise;
  return { value: match[1] ? -value : value, score: 1 };
}

/** A positive amount (a premium, IDV or sum insured); a negative one is a discount line, not this. */
export function parseAmount(raw: string): Parsed<number> | null {
  const parsed = parseMoney(raw);
  return parsed && parsed.value >= 0 ? parsed : null;
}
