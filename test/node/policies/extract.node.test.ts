import { describe, expect, it } from "vitest";
import { extractPolicy } from "../../../src/features/policies/extract";
import { type Placed, page } from "./pages";

const values = (pages: Parameters<typeof extractPolicy>[0]) =>
  Object.fromEntries(
    Object.entries(extractPolicy(pages, { currentYear: 2026 }).fields).map(([name, field]) => [
      name,
      field?.value ?? null,
    ]),
  );

describe("spatial association", () => {
  it("reads a value right of its label, with the colon in its own item or inline", () => {
    const result = values([
      page([
        [[40, "TATA AIG General Insurance Company Limited"]],
        [[40, "Private Car Package Policy - Schedule"]],
        [
          [40, "Policy No."],
          [140, ":"],
          [150, "6201234567"],
        ],
        [[40, "Registration No. : MH-12-AB-1234"]],
        [
          [40, "Insured Name"],
          [150, "Rajesh Kumar"],
        ],
        [[40, "IDV (Rs.): 5,25,000.00"]],
      ]),
    ]);
    expect(result).toMatchObject({
      insurer: "TATA AIG General Insurance",
      productLine: "motor",
      productType: "Private Car",
      policyNumber: "6201234567",
      vehicleNumber: "MH12AB1234",
      customerName: "Rajesh Kumar",
      idv: 52500000,
    });
  });

  it("reads a value below its label when labels head a grid or a table", () => {
    const result = values([
      page([
        [[40, "HDFC ERGO General Insurance Company Limited"]],
        [
          [40, "Policy Number"],
          [220, "Vehicle Registration No."],
          [400, "Engine No."],
        ],
        [
          [40, "2311204658135400000"],
          [220, "22 BH 4567 AA"],
          [400, "K12MN345678"],
        ],
        [
          [40, "Make"],
          [220, "Model"],
          [400, "Year of Manufacture"],
        ],
        [
          [40, "HYUNDAI"],
          [220, "CRETA"],
          [400, "2022"],
        ],
      ]),
    ]);
    expect(result).toMatchObject({
      policyNumber: "2311204658135400000",
      vehicleNumber: "22BH4567AA",
      engineNumber: "K12MN345678",
      make: "HYUNDAI",
      model: "CRETA",
      manufacturingYear: 2022,
    });
  });

  it("in a row of labels, an unknown word beside a label is another label, not its value", () => {
    const result = values([
      page([
        [[40, "TATA AIG"]],
        [
          [40, "Insured Name"],
          [220, "Client Segment"],
          [400, "Email ID"],
        ],
        [
          [40, "Meera Nair"],
          [220, "Retail"],
          [400, "meera@example.in"],
        ],
      ]),
    ]);
    expect(result).toMatchObject({ customerName: "Meera Nair", email: "meera@example.in" });
  });

  it("reads a premium table row by row, and adds CGST and SGST when no GST total is printed", () => {
    const result = values([
      page([
        [[40, "ICICI Lombard General Insurance"]],
        [
          [40, "Total Own Damage Premium(A)"],
          [380, "8,450.00"],
        ],
        [
          [40, "Total Liability Premium(B)"],
          [380, "3,416.00"],
        ],
        [
          [40, "Net Premium"],
          [380, "11,866.00"],
        ],
        [
          [40, "CGST @9%"],
          [380, "1,067.94"],
        ],
        [
          [40, "SGST @9%"],
          [380, "1,067.94"],
        ],
        [
          [40, "Total Premium Payable"],
          [380, "₹ 14,002/-"],
        ],
      ]),
    ]);
    expect(result).toMatchObject({
      netOd: 845000,
      tpPremium: 341600,
      netPremium: 1186600,
      gstAmount: 213588,
      totalPremium: 1400200,
    });
  });

  it("takes start and expiry from a printed period, and the OD period's end for a bundled policy", () => {
    const bundled = values([
      page([
        [[40, "Bajaj Allianz General Insurance"]],
        [
          [40, "OD Period"],
          [150, "01-Apr-2025 to 31-Mar-2026"],
        ],
        [
          [40, "TP Period"],
          [150, "01-Apr-2025 to 31-Mar-2028"],
        ],
      ]),
    ]);
    expect(bundled).toMatchObject({ startDate: "2025-04-01", expiryDate: "2026-03-31" });
    const single = values([
      page([[[40, "Period of Insurance: From 12/03/2025 00:00 Hrs To Midnight of 11/03/2026"]]]),
    ]);
    expect(single).toMatchObject({ startDate: "2025-03-12", expiryDate: "2026-03-11" });
  });
});

describe("distractors", () => {
  it("keeps the previous policy, helpline, GSTIN, insurer email, intermediary, nominee and financier out of the fields", () => {
    const result = values([
      page([
        [[40, "Royal Sundaram General Insurance Co. Limited"]],
        [
          [40, "GSTIN: 33AABCR7106G1ZJ"],
          [300, "Toll Free: 1800 568 9999"],
        ],
        [
          [40, "Previous Policy No.: VPC0000001ABC"],
          [300, "Previous Insurer: HDFC ERGO General Insurance"],
        ],
        [
          [40, "Policy No.: VPC1234567DEF"],
          [300, "Intermediary Code: BRK0012345"],
        ],
        [
          [40, "Name of the Insured: Priya Iyer"],
          [300, "Nominee Name: Arjun Iyer"],
        ],
        [
          [40, "Intermediary Contact No.: 9812345678"],
          [300, "Financier: HDFC Bank Ltd"],
        ],
        [
          [40, "Basic TP Premium"],
          [380, "3,416.00"],
        ],
        [
          [40, "Less: NCB Discount (25%)"],
          [380, "-1,250.00"],
        ],
        [[40, "For claims call 1800 568 9999 or write to care@royalsundaram.in"]],
      ]),
    ]);
    expect(result).toMatchObject({
      insurer: "Royal Sundaram General Insurance",
      policyNumber: "VPC1234567DEF",
      previousPolicyNumber: "VPC0000001ABC",
      previousInsurer: "HDFC ERGO General Insurance",
      customerName: "Priya Iyer",
      mobile: null,
      email: null,
      tpPremium: null,
      ncbPercent: null,
      gstAmount: null,
    });
  });
});

describe("label matching", () => {
  it("a label followed by more words is a different label: 'Policy Holder Address' is not the name", () => {
    const name = (rows: Placed[][]) => extractPolicy([page(rows)]).fields.customerName;
    const alone = name([
      [[40, "TATA AIG"]],
      [
        [40, "Policy Holder"],
        [150, "Kavita Desai"],
      ],
    ]);
    const withAddress = name([
      [[40, "TATA AIG"]],
      [[40, "Policy Holder Address: 12, MG Road, Pune"]],
      [
        [40, "Policy Holder"],
        [150, "Kavita Desai"],
      ],
    ]);
    // No rival reading: the address line does not lower the name's confidence.
    expect(withAddress).toEqual(alone);
    expect(alone?.value).toBe("Kavita Desai");
  });
});

describe("columns that run into each other", () => {
  it("a value that ends in the next column's label stops before it", () => {
    const result = values([
      page([
        [[40, "HDFC ERGO"]],
        [
          [40, "Model"],
          [120, ": SPLENDOR PLUS Vehicle No."],
          [330, ": DL 42 M 4223"],
        ],
      ]),
    ]);
    expect(result.model).toBe("SPLENDOR PLUS");
  });
});
