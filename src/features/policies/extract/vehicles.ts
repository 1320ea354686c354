import type { Parsed } from "./parsed";

/** Vehicle makes as printed on schedules (uppercase): used to split a combined "Make / Model" value. */
export const MAKES = [
  "MARUTI SUZUKI",
  "MARUTI",
  "HYUNDAI",
  "TATA MOTORS",
  "TATA",
  "MAHINDRA & MAHINDRA",
  "MAHINDRA",
  "HONDA",
  "TOYOTA",
  "KIA",
  "MG",
  "SKODA",
  "VOLKSWAGEN",
  "RENAULT",
  "NISSAN",
  "FORD",
  "HERO MOTOCORP",
  "HERO",
  "BAJAJ",
  "TVS",
  "ROYAL ENFIELD",
  "YAMAHA",
  "SUZUKI",
  "ASHOK LEYLAND",
  "EICHER",
  "BMW",
  "MERCEDES-BENZ",
  "AUDI",
];

export interface MakeModel {
  make: string;
  model: string;
  variant: string | null;
}

/** "HYUNDAI / CRETA / SX 1.5" or "MARUTI SUZUKI SWIFT VXI": make, model and maybe variant. */
export function parseMakeModel(raw: string): Parsed<MakeModel> | null {
  const text = raw.replace(/\s+/g, " ").trim();
  const parts = text.split(/\s+\/\s+|\s*\|\s*/).filter(Boolean);
  const [make, model, variant] = parts;
  if (make && model && parts.length <= 3)
    return { value: { make, model, variant: variant ?? null }, score: 1 };
  const upper = text.toUpperCase();
  const known = MAKES.find((name) => upper.startsWith(`${name} `));
  if (!known) return null;
  const rest = text.slice(known.length).trim();
  return rest
    ? { value: { make: text.slice(0, known.length), model: rest, variant: null }, score: 0.8 }
    : null;
}
