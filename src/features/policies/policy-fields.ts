import type { policies, StoredField } from "../../db/schema";
import type { CheckedFields, FieldName, PolicyExtraction } from "./extract";

export type FieldKind = "text" | "money" | "integer" | "date" | "line" | "members";

/** Every record field and how it is typed; money is paise when stored, rupees in the API. */
export const FIELD_KINDS = {
  productLine: "line",
  policyNumber: "text",
  insurer: "text",
  productType: "text",
  issueDate: "date",
  startDate: "date",
  expiryDate: "date",
  netOd: "money",
  tpPremium: "money",
  netPremium: "money",
  gstAmount: "money",
  totalPremium: "money",
  customerName: "text",
  mobile: "text",
  email: "text",
  vehicleNumber: "text",
  make: "text",
  model: "text",
  variant: "text",
  fuelType: "text",
  cc: "integer",
  manufacturingYear: "integer",
  engineNumber: "text",
  chassisNumber: "text",
  idv: "money",
  ncbPercent: "integer",
  previousPolicyNumber: "text",
  previousInsurer: "text",
  planName: "text",
  sumInsured: "money",
  members: "members",
} as const satisfies Record<FieldName, FieldKind>;

export const FIELD_NAMES = Object.keys(FIELD_KINDS) as FieldName[];

export type StoredFields = Record<string, StoredField>;
type Columns = Partial<typeof policies.$inferInsert>;

/** The engine's fields as stored provenance (a field not found is absent, never defaulted). */
export function storedFields(extraction: PolicyExtraction): StoredFields {
  const stored: StoredFields = {};
  for (const name of FIELD_NAMES) {
    const field = extraction.fields[name];
    if (field) stored[name] = { ...field, confidence: round(field.confidence) };
  }
  return stored;
}

/** The typed columns for stored fields: every field is written, an absent one as null. */
export function columnsOf(fields: StoredFields): Columns {
  const columns: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) columns[name] = fields[name]?.value ?? null;
  return columns as Columns;
}

/** Stored fields in the shape the engine's checks read. */
export function checkedFields(fields: StoredFields): CheckedFields {
  const checked: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) checked[name] = fields[name] ?? null;
  // The values were typed by the engine or validated by the edit schema before they were stored.
  return checked as CheckedFields;
}

const round = (confidence: number) => Math.round(confidence * 1000) / 1000;

/** Paise to rupees with two decimals (12345 → 123.45). */
export const toRupees = (paise: number) => paise / 100;

/** Rupees (at most two decimals) to integer paise. */
export const toPaise = (rupees: number) => Math.round(rupees * 100);
