import { describe, expect, it } from "vitest";
import { parseDate, parseRange } from "../../../src/features/policies/extract/parse-date";
import { parseAmount, parseMoney } from "../../../src/features/policies/extract/parse-money";
import {
  parseEmail,
  parseMobile,
  parseName,
  parseNcb,
  parsePolicyNumber,
} from "../../../src/features/policies/extract/parse-text";
import {
  parseCc,
  parseFuel,
  parseIdentifier,
  parsePlate,
  parseYear,
} from "../../../src/features/policies/extract/parse-vehicle";
import { parseMakeModel } from "../../../src/features/policies/extract/vehicles";

describe("money", () => {
  it.each([
    ["₹ 12,34,567.00", 123456700],
    ["Rs. 12,345/-", 1234500],
    ["Rs.12,345.5", 1234550],
    ["INR 980.50", 98050],
    ["1,234,567.89", 123456789],
    ["12345", 1234500],
    ["₹12,34,567", 123456700],
    ["@18% 2,345.00", 234500],
    ["(9%) 1,172.50", 117250],
    ["(1,234.00)", -123400],
    ["-1,234.00", -123400],
    ["Nil", 0],
    ["Exempt", 0],
    ["0.00", 0],
  ])("%s is %i paise", (raw, paise) => {
    expect(parseMoney(raw)?.value).toBe(paise);
  });

  it.each(["27AABCT3518Q1ZW", "12,34", "Rs.", "1800 266 7780", "12/03/2025", "abc", "1,2345", ""])(
    "%s is not an amount",
    (raw) => {
      expect(parseMoney(raw)).toBeNull();
    },
  );

  it("a premium, IDV or sum insured is never negative: a discount line is not one", () => {
    expect(parseAmount("-1,234.00")).toBeNull();
    expect(parseAmount("1,234.00")?.value).toBe(123400);
  });
});

describe("dates", () => {
  it.each([
    ["12/03/2025", "2025-03-12"],
    ["12-03-2025", "2025-03-12"],
    ["12.03.2025", "2025-03-12"],
    ["12-Mar-2025", "2025-03-12"],
    ["12 March 2025", "2025-03-12"],
    ["12th March, 2025", "2025-03-12"],
    ["1-Sep-25", "2025-09-01"],
    ["2025-03-12", "2025-03-12"],
    ["12/03/2025 00:00 Hrs", "2025-03-12"],
  ])("%s is %s (day first)", (raw, iso) => {
    expect(parseDate(raw)?.value).toBe(iso);
  });

  it.each(["31/02/2025", "13/13/2025", "no date", "1800 266 7780"])("%s is not a date", (raw) => {
    expect(parseDate(raw)).toBeNull();
  });

  it("a period gives its start and end", () => {
    expect(parseRange("From 01/04/2025 00:00 Hrs To Midnight of 31/03/2026")?.value).toEqual([
      "2025-04-01",
      "2026-03-31",
    ]);
    expect(parseRange("01-Apr-2025 to 31-Mar-2026")?.value).toEqual(["2025-04-01", "2026-03-31"]);
    expect(parseRange("01/04/2025")).toBeNull();
  });
});

describe("vehicle", () => {
  it.each([
    ["MH 12 AB 1234", "MH12AB1234", 1],
    ["mh-12-ab-1234", "MH12AB1234", 1],
    ["KA.05.M.9876", "KA05M9876", 1],
    ["22 BH 1234 AA", "22BH1234AA", 1],
    ["22-BH-1234-A", "22BH1234A", 1],
    ["DL 3C AB 1234", "DL3CAB1234", 0.7],
  ])("%s reads as %s", (raw, plate, score) => {
    expect(parsePlate(raw)).toEqual({ value: { kind: "plate", plate }, score });
  });

  it.each(["NEW", "New", "Applied For", "applied for"])("%s is a new vehicle, not a plate", (raw) => {
    expect(parsePlate(raw)?.value).toEqual({ kind: "new" });
  });

  it("gibberish is no plate", () => {
    expect(parsePlate("PRIVATE")).toBeNull();
  });

  it.each([
    ["1197", 1197],
    ["1,498 cc", 1498],
    ["349 CC", 349],
  ])("cc %s", (raw, cc) => {
    expect(parseCc(raw)?.value).toBe(cc);
  });

  it("years, fuels, identifiers and a combined make / model", () => {
    expect(parseYear("2021")?.value).toBe(2021);
    expect(parseYear("03/2021")?.value).toBe(2021);
    expect(parseYear("21")).toBeNull();
    expect(parseFuel("PETROL")?.value).toBe("Petrol");
    expect(parseFuel("Petrol + CNG")?.value).toBe("Petrol+CNG");
    expect(parseFuel("Battery")?.value).toBe("Electric");
    expect(parseFuel("Manual")).toBeNull();
    expect(parseIdentifier("k12mn3456789")?.value).toBe("K12MN3456789");
    expect(parseIdentifier("PETROL")).toBeNull();
    expect(parseMakeModel("HYUNDAI / CRETA / SX 1.5")?.value).toEqual({
      make: "HYUNDAI",
      model: "CRETA",
      variant: "SX 1.5",
    });
    expect(parseMakeModel("MARUTI SUZUKI SWIFT VXI")?.value).toEqual({
      make: "MARUTI SUZUKI",
      model: "SWIFT VXI",
      variant: null,
    });
    expect(parseMakeModel("SOMETHING")).toBeNull();
  });
});

describe("contact, numbers and names", () => {
  it.each([
    ["+91 98765 43210", "9876543210"],
    ["+91-9876543210", "9876543210"],
    ["09876543210", "9876543210"],
    ["98765-43210", "9876543210"],
    ["919876543210", "9876543210"],
  ])("mobile %s", (raw, mobile) => {
    expect(parseMobile(raw)?.value).toBe(mobile);
  });

  it.each(["98XXXXXX10", "1800 266 7780", "12345", "022 6158 2020"])("%s is no mobile", (raw) => {
    expect(parseMobile(raw)).toBeNull();
  });

  it("emails, policy numbers, NCB and names", () => {
    expect(parseEmail("Rajesh.Kumar@Example.in")?.value).toBe("rajesh.kumar@example.in");
    expect(parseEmail("none")).toBeNull();
    expect(parsePolicyNumber("3001/123456789/00001/000")?.value).toBe("3001/123456789/00001/000");
    expect(parsePolicyNumber("OG-25-1234-1801-00012345")?.value).toBe("OG-25-1234-1801-00012345");
    expect(parsePolicyNumber("Pending")).toBeNull();
    expect(parseNcb("25%")?.value).toBe(25);
    expect(parseNcb("(25 %) -1,234.00")?.value).toBe(25);
    expect(parseNcb("20")?.value).toBe(20);
    expect(parseNcb("-1,234.00")).toBeNull();
    expect(parseName("  Rajesh Kumar ")?.value).toBe("Rajesh Kumar");
    expect(parseName("-")).toBeNull();
    expect(parseName("N/A")).toBeNull();
    expect(parseName("12345")).toBeNull();
  });
});
