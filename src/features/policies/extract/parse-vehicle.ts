import type { Parsed } from "./parsed";

/** Standard plate: state, RTO, series, number. */
export const STRICT_PLATE = /^[A-Z]{2}[0-9]{2}[A-Z]{1,2}[0-9]{4}$/;
/** Bharat series: year, BH, number, letters. */
export const BH_PLATE = /^[0-9]{2}BH[0-9]{4}[A-Z]{1,2}$/;
const LOOSE_PLATE = /^[A-Z]{2}[0-9]{1,2}[A-Z]{0,3}[0-9]{1,4}$/;
// At the start of the value: a plate-like fragment further on ("… AB 12") is not the registration.
const PLATE_IN_TEXT =
  /^(\d{2}[\s.-]*BH[\s.-]*\d{4}[\s.-]*[A-Z]{1,2}|[A-Z]{2}[\s.-]*\d{1,2}[\s.-]*(?:[A-Z][\s.-]*){0,3}\d{1,4})\b/;
const NEW_REGISTRATION = /^(new|applied\s*for|to\s*be\s*registered|awaited)\b/i;

export type PlateReading = { kind: "plate"; plate: string } | { kind: "new" };

/** A registration plate, uppercase without spaces, hyphens or dots; "NEW" / "Applied for" is a new vehicle. */
export function parsePlate(raw: string): Parsed<PlateReading> | null {
  const text = raw.trim();
  if (NEW_REGISTRATION.test(text)) return { value: { kind: "new" }, score: 1 };
  const match = PLATE_IN_TEXT.exec(text.toUpperCase());
  if (!match?.[1]) return null;
  const plate = match[1].replace(/[\s.-]/g, "");
  if (STRICT_PLATE.test(plate) || BH_PLATE.test(plate)) return { value: { kind: "plate", plate }, score: 1 };
  return LOOSE_PLATE.test(plate) ? { value: { kind: "plate", plate }, score: 0.7 } : null;
}

/** True for a plate in the standard or BH format. */
export function isStrictPlate(plate: string): boolean {
  return STRICT_PLATE.test(plate) || BH_PLATE.test(plate);
}

/** Engine capacity in cc: "1197", "1197 CC", "1,498 cc". */
export function parseCc(raw: string): Parsed<number> | null {
  const match = /^\s*(\d{1,2},\d{3}|\d{2,5})\s*(?:cc|c\.c\.?)?\s*$/i.exec(raw);
  return match?.[1] ? { value: Number(match[1].replace(",", "")), score: 1 } : null;
}

/** A four-digit year of manufacture. */
export function parseYear(raw: string): Parsed<number> | null {
  const match = /^\s*(?:\d{1,2}[/-])?((?:19|20)\d{2})\s*$/.exec(raw);
  return match?.[1] ? { value: Number(match[1]), score: 1 } : null;
}

const FUELS: Array<[RegExp, string]> = [
  [/petrol\s*[+/&]\s*cng|cng\s*[+/&]\s*petrol/i, "Petrol+CNG"],
  [/hybrid/i, "Hybrid"],
  [/electric|battery|\bev\b/i, "Electric"],
  [/diesel/i, "Diesel"],
  [/petrol|gasoline/i, "Petrol"],
  [/\bcng\b/i, "CNG"],
  [/\blpg\b/i, "LPG"],
];

/** The fuel, normalised: Petrol, Diesel, CNG, LPG, Electric, Hybrid or Petrol+CNG. */
export function parseFuel(raw: string): Parsed<string> | null {
  for (const [re, fuel] of FUELS) if (re.test(raw)) return { value: fuel, score: 1 };
  return null;
}

/** An engine or chassis number: one alphanumeric token of 6–25 characters with digits. */
export function parseIdentifier(raw: string): Parsed<string> | null {
  const token = raw.trim().toUpperCase().split(/\s+/)[0] ?? "";
  if (!/^[A-Z0-9][A-Z0-9*/-]{4,23}[A-Z0-9]$/.test(token) || !/\d/.test(token)) return null;
  return { value: token, score: 1 };
}
