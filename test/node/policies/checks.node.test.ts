import { describe, expect, it } from "vitest";
import { REVIEW_THRESHOLD, validatePolicy } from "../../../src/features/policies/extract";
import type { FieldName, PolicyFields, PolicyValues } from "../../../src/features/policies/extract/types";

const context = { newVehicle: false, currentYear: 2026 };

function record(values: Partial<PolicyValues>, confidence = 0.95): PolicyFields {
  const fields = {} as Record<FieldName, unknown>;
  const all: Partial<PolicyValues> = {
    productLine: "motor",
    policyNumber: "6201234567",
    insurer: "TATA AIG General Insurance",
    startDate: "2025-04-01",
    expiryDate: "2026-03-31",
    netPremium: 1000000,
    gstAmount: 180000,
    totalPremium: 1180000,
    customerName: "Rajesh Kumar",
    vehicleNumber: "MH12AB1234",
    ncbPercent: 25,
    cc: 1197,
    manufacturingYear: 2021,
    ...values,
  };
  for (const name of Object.keys(all) as FieldName[]) {
    const value = all[name];
    fields[name] = value === undefined ? null : { value, confidence, source: "text", page: 1 };
  }
  return new Proxy(fields, { get: (target, key) => target[key as FieldName] ?? null }) as PolicyFields;
}

const codes = (values: Partial<PolicyValues>, confidence?: number) =>
  validatePolicy(record(values, confidence), context).map((issue) => `${issue.field}:${issue.code}`);

describe("review checks", () => {
  it("a complete, consistent motor record passes", () => {
    expect(codes({})).toEqual([]);
  });

  it("flags a missing required field, and one below the threshold", () => {
    expect(codes({ policyNumber: undefined })).toEqual(["policyNumber:missing_required"]);
    expect(codes({}, REVIEW_THRESHOLD - 0.01)).toContain("customerName:low_confidence");
  });

  it.each([
    ["MH12AB1234", []],
    ["22BH1234AA", []],
    ["DL3CAB1234", ["vehicleNumber:registration_format"]],
  ])("plate %s", (plate, expected) => {
    expect(codes({ vehicleNumber: plate })).toEqual(expected);
  });

  it.each([
    [0, true],
    [20, true],
    [25, true],
    [35, true],
    [45, true],
    [50, true],
    [30, false],
    [15, false],
  ])("NCB %i%% is a slab: %s", (ncb, ok) => {
    expect(codes({ ncbPercent: ncb }).includes("ncbPercent:ncb_slab")).toBe(!ok);
  });

  it("total must be net + GST within ₹2", () => {
    expect(codes({ totalPremium: 1180200 })).toEqual([]);
    expect(codes({ totalPremium: 1179800 })).toEqual([]);
    expect(codes({ totalPremium: 1180201 })).toEqual(["totalPremium:premium_mismatch"]);
    expect(codes({ gstAmount: undefined, totalPremium: 5 })).toEqual([]);
  });

  it("expiry must be after start, cc and year plausible", () => {
    expect(codes({ expiryDate: "2025-04-01" })).toEqual(["expiryDate:expiry_not_after_start"]);
    expect(codes({ cc: 12 })).toEqual(["cc:implausible_cc"]);
    expect(codes({ cc: 12000 })).toEqual(["cc:implausible_cc"]);
    expect(codes({ manufacturingYear: 2028 })).toEqual(["manufacturingYear:implausible_year"]);
    expect(codes({ manufacturingYear: 1975 })).toEqual(["manufacturingYear:implausible_year"]);
  });

  it("a new vehicle needs no plate; a health record needs a sum insured and members", () => {
    const fields = record({ vehicleNumber: undefined });
    expect(validatePolicy(fields, { ...context, newVehicle: true })).toEqual([]);
    expect(codes({ productLine: "health", vehicleNumber: undefined })).toEqual([
      "sumInsured:missing_required",
      "members:no_members",
    ]);
  });
});
