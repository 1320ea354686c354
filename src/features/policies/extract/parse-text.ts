import type { Parsed } from "./parsed";

/** A mobile number as 10 digits, from "+91 98765 43210", "09876543210", "98765-43210". */
export function parseMobile(raw: string): Parsed<string> | null {
  for (const match of raw.matchAll(/\+?[\d][\d\s-]{8,16}\d/g)) {
    const digits = match[0].replace(/\D/g, "").replace(/^(?:91|0)(?=\d{10}$)/, "");
    if (/^[6-9]\d{9}$/.test(digits)) return { value: digits, score: 1 };
  }
  return null;
}

/** An email address, lowercased. */
export function parseEmail(raw: string): Parsed<string> | null {
  const match = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.exec(raw);
  return match ? { value: match[0].toLowerCase(), score: 1 } : null;
}

/** A policy or certificate number: one token with digits, 6–40 characters of letters, digits, / and -. */
export function parsePolicyNumber(raw: string): Parsed<string> | null {
  for (const token of raw.trim().toUpperCase().split(/\s+/)) {
    if (/^[A-Z0-9][A-Z0-9/-]{4,38}[A-Z0-9]$/.test(token) && (token.match(/\d/g)?.length ?? 0) >= 4) {
      return { value: token, score: 1 };
    }
  }
  return null;
}

/** NCB as a percentage: "25%", "25 %", "25". */
export function parseNcb(raw: string): Parsed<number> | null {
  const percent = /(\d{1,3})(?:\.0+)?\s*%/.exec(raw);
  if (percent?.[1]) return { value: Number(percent[1]), score: 1 };
  const bare = /^\s*(\d{1,2})\s*$/.exec(raw);
  return bare?.[1] ? { value: Number(bare[1]), score: 0.85 } : null;
}

// Printed in place of a value when there is none.
const EMPTY = /^(-+|n\/?a|nil|none|not applicable|null)$/i;

/** Free text (a name, make, model, plan): trimmed, at most 80 characters, with letters. */
export function parseName(raw: string): Parsed<string> | null {
  const text = raw.replace(/\s+/g, " ").replace(/^[:\-–\s]+|[\s,;]+$/g, "");
  if (!text || EMPTY.test(text) || text.length > 80 || !/[A-Za-z]/.test(text)) return null;
  return { value: text, score: 0.95 };
}
