import { NCB_SLABS } from "./checks";
import { isStrictPlate } from "./parse-vehicle";
import type { Field, PolicyFields } from "./types";

const TOLERANCE = 200; // paise

/** Adjusts confidence by what the fields say about each other: a premium break-up that adds up is
 * trusted more, a period that ends before it starts or an off-slab NCB less. Values are never changed. */
export function crossCheck(fields: PolicyFields, currentYear: number): void {
  const { netPremium: net, gstAmount: gst, totalPremium: total, netOd, tpPremium } = fields;
  if (net && gst && total) {
    const adds = Math.abs(net.value + gst.value - total.value) <= TOLERANCE;
    for (const field of [net, gst, total]) adjust(field, adds ? "raise" : "lower");
  }
  if (netOd && tpPremium && net && Math.abs(netOd.value + tpPremium.value - net.value) <= TOLERANCE) {
    for (const field of [netOd, tpPremium, net]) adjust(field, "raise");
  }
  const { startDate: start, expiryDate: expiry, issueDate: issue } = fields;
  if (start && expiry) {
    const days = (Date.parse(expiry.value) - Date.parse(start.value)) / 86_400_000;
    const plausible = days >= 28 && days <= 3 * 366 + 5;
    for (const field of [start, expiry]) adjust(field, plausible ? "raise" : "lower");
  }
  if (issue && expiry && issue.value > expiry.value) adjust(issue, "lower");
  if (fields.ncbPercent && !NCB_SLABS.includes(fields.ncbPercent.value)) adjust(fields.ncbPercent, "lower");
  if (fields.vehicleNumber && !isStrictPlate(fields.vehicleNumber.value))
    adjust(fields.vehicleNumber, "lower");
  const { cc, manufacturingYear: year } = fields;
  if (cc && (cc.value < 50 || cc.value > 8000)) adjust(cc, "lower");
  if (year && (year.value < 1980 || year.value > currentYear + 1)) adjust(year, "lower");
}

function adjust(field: NonNullable<Field<unknown>>, direction: "raise" | "lower"): void {
  field.confidence =
    direction === "raise"
      ? Math.max(field.confidence, Math.min(0.99, field.confidence + 0.04))
      : Math.min(field.confidence, 0.5);
}
