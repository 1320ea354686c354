import type { ProductLine } from "./types";

export interface Insurer {
  /** The canonical name stored on the record. */
  name: string;
  /** Names, short forms and web domains that identify the insurer in a document (lowercase). */
  aliases: string[];
  /** Lines it writes; a health-only insurer's schedule is a health policy. */
  lines: ProductLine[];
}

/** Insurers as data: add one here, not in code. */
export const INSURERS: Insurer[] = [
  { name: "TATA AIG General Insurance", aliases: ["tata aig", "tataaig.com"], lines: ["motor", "health"] },
  {
    name: "ICICI Lombard General Insurance",
    aliases: ["icici lombard", "icicilombard.com"],
    lines: ["motor", "health"],
  },
  { name: "HDFC ERGO General Insurance", aliases: ["hdfc ergo", "hdfcergo.com"], lines: ["motor", "health"] },
  {
    name: "Go Digit General Insurance",
    aliases: ["go digit", "digit insurance", "godigit.com"],
    lines: ["motor", "health"],
  },
  {
    name: "Bajaj Allianz General Insurance",
    aliases: ["bajaj allianz", "bajaj general insurance", "bajajallianz.co.in", "bajajgeneral.com"],
    lines: ["motor", "health"],
  },
  {
    name: "Royal Sundaram General Insurance",
    aliases: ["royal sundaram", "royalsundaram.in"],
    lines: ["motor", "health"],
  },
  {
    name: "Reliance General Insurance",
    aliases: ["reliance general", "reliancegeneral.co.in"],
    lines: ["motor", "health"],
  },
  {
    name: "Generali Central Insurance",
    aliases: ["generali central", "future generali", "generalicentral.com", "futuregenerali.in"],
    lines: ["motor", "health"],
  },
  {
    name: "Liberty General Insurance",
    aliases: ["liberty general", "libertyinsurance.in"],
    lines: ["motor", "health"],
  },
  {
    name: "Zurich Kotak General Insurance",
    aliases: ["zurich kotak", "kotak general", "kotak mahindra general", "zurichkotak.com"],
    lines: ["motor", "health"],
  },
  {
    name: "SBI General Insurance",
    aliases: ["sbi general", "sbigeneral.in"],
    lines: ["motor", "health"],
  },
  {
    name: "New India Assurance",
    aliases: ["new india assurance", "newindia.co.in"],
    lines: ["motor", "health"],
  },
  {
    name: "Star Health and Allied Insurance",
    aliases: ["star health", "starhealth.in"],
    lines: ["health"],
  },
  {
    name: "Niva Bupa Health Insurance",
    aliases: ["niva bupa", "max bupa", "nivabupa.com"],
    lines: ["health"],
  },
  {
    name: "Care Health Insurance",
    aliases: ["care health insurance", "religare health", "careinsurance.com"],
    lines: ["health"],
  },
  {
    name: "Aditya Birla Health Insurance",
    aliases: ["aditya birla health", "adityabirlacapital.com"],
    lines: ["health"],
  },
];

/** The insurer a piece of text names (a "Previous Insurer" value), by alias; null when none matches. */
export function insurerNamed(text: string): Insurer | null {
  const lower = text.toLowerCase();
  let best: { insurer: Insurer; length: number } | null = null;
  for (const insurer of INSURERS) {
    for (const alias of insurer.aliases) {
      if (lower.includes(alias) && (!best || alias.length > best.length))
        best = { insurer, length: alias.length };
    }
  }
  return best?.insurer ?? null;
}
