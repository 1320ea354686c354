import { describe, expect, it } from "vitest";
import { extractPolicy } from "../../../src/features/policies/extract";
import { page } from "./pages";

const values = (pages: Parameters<typeof extractPolicy>[0]) =>
  Object.fromEntries(
    Object.entries(extractPolicy(pages, { currentYear: 2026 }).fields).map(([name, field]) => [
      name,
      field?.value ?? null,
    ]),
  );

describe("never invents a value", () => {
  it("leaves every field it cannot find null, and a masked mobile is not a mobile", () => {
    const extraction = extractPolicy([
      page([
        [[40, "Go Digit General Insurance Ltd."]],
        [[40, "Private Car Policy"]],
        [[40, "Mobile No.: 98XXXXXX10"]],
        [
          [40, "Email ID"],
          [150, "-"],
        ],
      ]),
    ]);
    const found = Object.entries(extraction.fields)
      .filter(([, field]) => field !== null)
      .map(([name]) => name);
    expect(found.sort()).toEqual(["insurer", "productLine", "productType"]);
    expect(extraction.needsReview).toBe(true);
    expect(
      extraction.issues.filter((issue) => issue.code === "missing_required").map((issue) => issue.field),
    ).toEqual(
      expect.arrayContaining([
        "policyNumber",
        "startDate",
        "expiryDate",
        "totalPremium",
        "customerName",
        "vehicleNumber",
      ]),
    );
  });

  it("a label whose value beside it does not parse takes nothing from the row below", () => {
    const result = values([
      page([
        [[40, "TATA AIG"]],
        [
          [40, "Mobile Number"],
          [150, ": 72XXXXXX24"],
        ],
        [[40, "Relationship Manager 9016152032"]],
      ]),
    ]);
    expect(result.mobile).toBeNull();
  });

  it("a NEW registration leaves the plate null without asking for it", () => {
    const extraction = extractPolicy([page([[[40, "TATA AIG"]], [[40, "Registration No.: NEW"]]])]);
    expect(extraction.fields.vehicleNumber).toBeNull();
    expect(extraction.newVehicle).toBe(true);
    expect(extraction.issues.some((issue) => issue.field === "vehicleNumber")).toBe(false);
  });

  it("an empty page gives an all-null record that needs review", () => {
    const extraction = extractPolicy([{ page: 1, width: 595, height: 842, items: [] }]);
    expect(Object.values(extraction.fields).every((field) => field === null)).toBe(true);
    expect(extraction.needsReview).toBe(true);
  });
});

describe("insurer and product line", () => {
  it("names the issuing insurer, not the previous one, even when the previous one is named more often", () => {
    const result = values([
      page([
        [[40, "Go Digit General Insurance Ltd."]],
        [
          [40, "Previous Insurer"],
          [150, "ICICI Lombard General Insurance"],
        ],
        [[40, "Expiring Insurer: ICICI Lombard"]],
        [[40, "Visit godigit.com"]],
      ]),
    ]);
    expect(result).toMatchObject({
      insurer: "Go Digit General Insurance",
      previousInsurer: "ICICI Lombard General Insurance",
    });
  });

  it("a health-only insurer makes a health record, with its members table", () => {
    const extraction = extractPolicy([
      page([
        [[40, "Star Health and Allied Insurance Co. Ltd."]],
        [
          [40, "Plan Name: Family Health Optima"],
          [300, "Policy Type: Family Floater"],
        ],
        [[40, "Sum Insured: ₹ 10,00,000"]],
        [
          [40, "Name of Insured Person"],
          [220, "Date of Birth"],
          [320, "Relationship"],
          [450, "PED"],
        ],
        [
          [40, "Sunita Rao"],
          [220, "04/05/1980"],
          [320, "Self"],
          [450, "None"],
        ],
        [
          [40, "Arjun Rao"],
          [220, "11-Jun-2012"],
          [320, "Son"],
          [450, "None"],
        ],
        [[40, "PREMIUM DETAILS"]],
      ]),
    ]);
    expect(extraction.fields.productLine?.value).toBe("health");
    expect(extraction.fields.insurer?.value).toBe("Star Health and Allied Insurance");
    expect(extraction.fields.planName?.value).toBe("Family Health Optima");
    expect(extraction.fields.productType?.value).toBe("Family Floater");
    expect(extraction.fields.sumInsured?.value).toBe(100000000);
    expect(extraction.fields.members?.value).toEqual([
      { name: "Sunita Rao", dob: "1980-05-04", relation: "Self" },
      { name: "Arjun Rao", dob: "2012-06-11", relation: "Son" },
    ]);
    expect(extraction.fields.vehicleNumber).toBeNull();
  });

  it("an unknown insurer stays null", () => {
    expect(
      values([page([[[40, "Acme Assurance Pvt Ltd"]], [[40, "Policy No.: AC12345678"]]])]).insurer,
    ).toBeNull();
  });
});

describe("confidence", () => {
  it("a premium break-up that adds up is trusted; one that does not is flagged and distrusted", () => {
    const rows = (total: string) => [
      page([
        [[40, "TATA AIG"]],
        [
          [40, "Net Premium"],
          [380, "10,000.00"],
        ],
        [
          [40, "GST @18%"],
          [380, "1,800.00"],
        ],
        [
          [40, "Total Premium"],
          [380, total],
        ],
      ]),
    ];
    const good = extractPolicy(rows("11,800.00"));
    expect(good.fields.totalPremium?.confidence).toBeGreaterThanOrEqual(0.95);
    expect(good.issues.some((issue) => issue.code === "premium_mismatch")).toBe(false);
    const bad = extractPolicy(rows("18,100.00"));
    expect(bad.fields.totalPremium?.confidence).toBeLessThanOrEqual(0.5);
    expect(bad.issues).toContainEqual(
      expect.objectContaining({ field: "totalPremium", code: "premium_mismatch" }),
    );
  });

  it("every field says where it came from", () => {
    const field = extractPolicy([page([[[40, "Policy No.: AB12345678"]]], 2)], { source: "ocr" }).fields
      .policyNumber;
    expect(field).toEqual({ value: "AB12345678", confidence: expect.any(Number), source: "ocr", page: 2 });
  });
});
