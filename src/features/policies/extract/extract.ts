import { type Candidate, choose, collect } from "./candidates";
import { validatePolicy } from "./checks";
import { crossCheck } from "./cross-check";
import { classifyProduct, detectInsurer, detectProductLine, productFromTitle } from "./detect";
import { insurerNamed } from "./insurers";
import { type LabelHit, labelMatcher } from "./labels";
import { buildLayout, type Layout } from "./layout";
import { INSURER_LABELS, type LabelKey, LEXICON } from "./lexicon";
import { extractMembers } from "./members";
import { findDates, parseDate, parseRange } from "./parse-date";
import { parseAmount } from "./parse-money";
import { parseEmail, parseMobile, parseName, parseNcb, parsePolicyNumber } from "./parse-text";
import { parseCc, parseFuel, parseIdentifier, parsePlate, parseYear } from "./parse-vehicle";
import type { Parser } from "./parsed";
import type { QueryAnswer } from "./queries";
import type { FieldSource, PolicyExtraction, PolicyFields, ProductLine, TextPage } from "./types";
import { parseMakeModel } from "./vehicles";

export interface ExtractOptions {
  /** "text" for a PDF text layer, "ocr" for Textract output. */
  source?: FieldSource;
  /** The current year, for the plausibility of a manufacturing year. */
  currentYear?: number;
  /** Textract Queries answers (see queries.ts): more readings of their fields, weighed with the rest. */
  queryAnswers?: QueryAnswer[];
}

/** Reads a policy schedule's positioned text into typed fields with confidence, and the checks that
 * decide review. A field that is not found is null. */
export function extractPolicy(pages: TextPage[], options: ExtractOptions = {}): PolicyExtraction {
  const layout = buildLayout(pages, options.source ?? "text");
  const insurer = detectInsurer(layout);
  const productLine = detectProductLine(layout, insurer?.insurer ?? null);
  const line: ProductLine = productLine?.value ?? "motor";
  const entries = [
    ...LEXICON.filter((entry) => !entry.line || entry.line === line),
    ...(insurer ? (INSURER_LABELS[insurer.value] ?? []) : []),
  ];
  const matcher = labelMatcher(entries);
  const labelled = new Map<number, LabelHit>();
  for (const cell of layout.cells) {
    const hit = matcher.match(cell);
    if (hit) labelled.set(cell.id, hit);
  }
  const read = <T>(key: LabelKey, parser: Parser<T>): Candidate<T>[] => [
    ...collect(key, (raw) => parser(matcher.untilLabel(raw)), layout, labelled),
    ...answered(options.queryAnswers ?? [], key, parser),
  ];
  const pick = <T>(key: LabelKey, parser: Parser<T>) => choose(read(key, parser), layout);

  const periods = read("period", parseRange);
  const odPeriods = read("odPeriod", parseRange);
  const tpPeriods = read("tpPeriod", parseRange);
  const startDate = choose(
    [
      ...read("startDate", parseDate),
      ...[...periods, ...odPeriods].map((c) => ({ ...c, value: c.value[0] })),
      ...tpPeriods.map((c) => ({ ...c, value: c.value[0], score: c.score * 0.85 })),
    ],
    layout,
  );
  // Bundled OD + TP: the record's expiry is the end of the OD period, so a TP period never gives it.
  const expiryDate = choose(
    [
      ...read("expiryDate", parseDate),
      ...periods.map((c) => ({ ...c, value: c.value[1], score: c.score * (odPeriods.length ? 0.8 : 1) })),
      ...odPeriods.map((c) => ({ ...c, value: c.value[1] })),
    ],
    layout,
  );
  const gstAmount =
    pick("gstAmount", parseAmount) ??
    sumOfParts(read("cgst", parseAmount), read("sgst", parseAmount), layout);
  const plate = pick("vehicleNumber", parsePlate);
  const combined = line === "motor" ? pick("makeModel", parseMakeModel) : null;
  const previousInsurer = pick("previousInsurer", (raw) => {
    const named = insurerNamed(raw);
    return named ? { value: named.name, score: 1 } : null;
  });
  const motor = line === "motor";

  const fields: PolicyFields = {
    productLine,
    policyNumber: pick("policyNumber", parsePolicyNumber),
    insurer: insurer && {
      value: insurer.value,
      confidence: insurer.confidence,
      source: insurer.source,
      page: insurer.page,
    },
    productType: pick("productType", (raw) => classifyProduct(line, raw)) ?? productFromTitle(layout, line),
    issueDate: pick("issueDate", parseDate),
    startDate,
    expiryDate,
    netOd: motor ? pick("netOd", parseAmount) : null,
    tpPremium: motor ? pick("tpPremium", parseAmount) : null,
    netPremium: pick("netPremium", parseAmount),
    gstAmount,
    totalPremium: pick("totalPremium", parseAmount),
    customerName: pick("customerName", parseName),
    mobile: pick("mobile", parseMobile),
    email: pick("email", parseEmail),
    vehicleNumber: plate?.value.kind === "plate" ? { ...plate, value: plate.value.plate } : null,
    make: pick("make", parseName) ?? (combined && { ...combined, value: combined.value.make }),
    model: pick("model", parseName) ?? (combined && { ...combined, value: combined.value.model }),
    variant: pick("variant", parseName) ?? variantOf(combined),
    fuelType: motor ? pick("fuelType", parseFuel) : null,
    cc: motor ? pick("cc", parseCc) : null,
    manufacturingYear: motor ? pick("manufacturingYear", parseYear) : null,
    engineNumber: motor ? pick("engineNumber", parseIdentifier) : null,
    chassisNumber: motor ? pick("chassisNumber", parseIdentifier) : null,
    idv: motor ? pick("idv", parseAmount) : null,
    ncbPercent: motor ? pick("ncbPercent", parseNcb) : null,
    previousPolicyNumber: pick("previousPolicyNumber", parsePolicyNumber),
    previousInsurer,
    planName: line === "health" ? pick("planName", parseName) : null,
    sumInsured: line === "health" ? pick("sumInsured", parseAmount) : null,
    members: line === "health" ? extractMembers(layout, labelled) : null,
  };
  const newVehicle = plate?.value.kind === "new";
  const currentYear = options.currentYear ?? new Date().getUTCFullYear();
  crossCheck(fields, currentYear);
  const issues = validatePolicy(fields, { newVehicle, currentYear });
  return { fields, newVehicle, issues, needsReview: issues.length > 0 };
}

/** Query answers for a key, parsed like any other reading. An expiry answered with the whole period
 * ("01/04/2025 to 31/03/2026") is its second date. */
function answered<T>(answers: QueryAnswer[], key: LabelKey, parser: Parser<T>): Candidate<T>[] {
  return answers.flatMap((answer) => {
    const text = key === "expiryDate" ? (findDates(answer.text).at(-1) ?? answer.text) : answer.text;
    const parsed = answer.key === key ? parser(text) : null;
    return parsed
      ? [{ value: parsed.value, score: 0.95 * answer.confidence * parsed.score, page: answer.page }]
      : [];
  });
}

function sumOfParts(cgst: Candidate<number>[], sgst: Candidate<number>[], layout: Layout) {
  const central = choose(cgst, layout);
  const state = choose(sgst, layout);
  if (!central || !state) return null;
  return {
    ...central,
    value: central.value + state.value,
    confidence: Math.min(central.confidence, state.confidence),
  };
}

function variantOf(combined: ReturnType<typeof choose<{ variant: string | null }>>) {
  return combined?.value.variant ? { ...combined, value: combined.value.variant } : null;
}
