import { isStrictPlate } from "./parse-vehicle";
import type { FieldName, PolicyValues, ProductLine, ValidationIssue } from "./types";

/** What the checks read of each field: its value and confidence (a stored or edited field qualifies). */
export type CheckedFields = {
  [K in FieldName]: { value: PolicyValues[K]; confidence: number } | null;
};

/** Below this confidence a required field sends the record to review. */
export const REVIEW_THRESHOLD = 0.8;
export const NCB_SLABS = [0, 20, 25, 35, 45, 50];
// ₹2 either way, in paise: insurers round each tax line separately.
const PREMIUM_TOLERANCE = 200;

const REQUIRED_ALWAYS: FieldName[] = [
  "policyNumber",
  "insurer",
  "startDate",
  "expiryDate",
  "totalPremium",
  "customerName",
];
const REQUIRED: Record<ProductLine, FieldName[]> = {
  motor: [...REQUIRED_ALWAYS, "vehicleNumber"],
  health: [...REQUIRED_ALWAYS, "sumInsured"],
};

export interface CheckContext {
  newVehicle: boolean;
  /** The year to judge a manufacturing year against (the current year). */
  currentYear: number;
}

/** The reasons a record needs review; an empty list means it can be saved as extracted. */
export function validatePolicy(fields: CheckedFields, context: CheckContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (field: FieldName, code: ValidationIssue["code"], message: string) =>
    issues.push({ field, code, message });
  const line = fields.productLine?.value;
  if (!line) add("productLine", "missing_required", "Motor or health could not be told");
  for (const name of REQUIRED[line ?? "motor"]) {
    if (name === "vehicleNumber" && context.newVehicle) continue;
    const field = fields[name];
    if (!field) add(name, "missing_required", `${name} was not found`);
    else if (field.confidence < REVIEW_THRESHOLD) add(name, "low_confidence", `${name} is uncertain`);
  }
  const plate = fields.vehicleNumber?.value;
  if (plate && !isStrictPlate(plate))
    add("vehicleNumber", "registration_format", "Not a standard or BH plate");
  const ncb = fields.ncbPercent?.value;
  if (ncb !== undefined && !NCB_SLABS.includes(ncb))
    add("ncbPercent", "ncb_slab", "NCB is not 0/20/25/35/45/50");
  const net = fields.netPremium?.value;
  const gst = fields.gstAmount?.value;
  const total = fields.totalPremium?.value;
  if (
    net !== undefined &&
    gst !== undefined &&
    total !== undefined &&
    Math.abs(net + gst - total) > PREMIUM_TOLERANCE
  ) {
    add("totalPremium", "premium_mismatch", "Total premium is not net premium + GST (±₹2)");
  }
  const start = fields.startDate?.value;
  const expiry = fields.expiryDate?.value;
  if (start && expiry && expiry <= start)
    add("expiryDate", "expiry_not_after_start", "Expiry is not after start");
  const cc = fields.cc?.value;
  if (cc !== undefined && (cc < 50 || cc > 8000))
    add("cc", "implausible_cc", "Cubic capacity outside 50–8000");
  const year = fields.manufacturingYear?.value;
  if (year !== undefined && (year < 1980 || year > context.currentYear + 1)) {
    add("manufacturingYear", "implausible_year", "Manufacturing year is implausible");
  }
  if (line === "health" && !fields.members?.value.length)
    add("members", "no_members", "No insured member found");
  return issues;
}
