import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import type { PolicyBody } from "./helpers";

interface ImportResult {
  rows: Array<{ line: number; status: string; policyId?: string; issues?: string[]; reason?: string }>;
  saved: number;
  needsReview: number;
  refused: number;
}

const HEADER =
  "policyNumber,insurer,productLine,productType,issueDate,startDate,expiryDate,netPremium,gstAmount,totalPremium,customerName,vehicleNumber,ncbPercent,callerName,cashback";
const row = (number: string, overrides: Partial<Record<string, string>> = {}) => {
  const cells: Record<string, string> = {
    policyNumber: number,
    insurer: "TATA AIG",
    productLine: "motor",
    productType: "Private Car",
    issueDate: "12/03/2026",
    startDate: "2026-03-12",
    expiryDate: "11-Mar-2027",
    netPremium: '"10,000.00"',
    gstAmount: "1800",
    totalPremium: '"₹11,800/-"',
    customerName: "Meera Nair",
    vehicleNumber: "MH 12 AB 1234",
    ncbPercent: "25",
    callerName: "Asha",
    cashback: "500.50",
    ...overrides,
  };
  return HEADER.split(",")
    .map((column) => cells[column] ?? "")
    .join(",");
};

const importCsv = (token: string, csv: string, contentType = "text/csv") =>
  call("/api/policies/import", {
    method: "POST",
    token,
    body: csv,
    headers: { "Content-Type": contentType },
  });

describe("CSV import", () => {
  it("imports each row on its own: saved, in review (a duplicate flagged, never saved twice) or refused with its line and reason", {
    timeout: 30_000,
  }, async () => {
    const tenant = await registerTenant();
    const ops = await addUser(tenant.tenant.id, "TENANT_USER");
    const csv = [
      HEADER,
      row("I-1"),
      row("I-2", { ncbPercent: "twenty" }),
      row("I-3", { customerName: '"Arjun\nRao"', ncbPercent: "30" }),
      row("I-1", { callerName: "Ravi" }),
      "I-5,TATA AIG,motor",
      row("I-6", { insurer: "Acme Insurance" }),
      row("I-7", { totalPremium: "12.345" }),
      "",
    ].join("\r\n");
    const response = await importCsv(ops.accessToken, csv);
    expect(response.status).toBe(200);
    const result = (await response.json()) as ImportResult;
    expect(result).toMatchObject({ saved: 1, needsReview: 2, refused: 4 });
    expect(result.rows.map(({ line, status }) => [line, status])).toEqual([
      [2, "saved"],
      [3, "refused"],
      [4, "needs_review"],
      [6, "needs_review"],
      [7, "refused"],
      [8, "refused"],
      [9, "refused"],
    ]);
    const [saved, nan, ncb, duplicate, short, acme, decimals] = result.rows;
    expect(nan?.reason).toMatch(/^ncbPercent: /);
    expect(ncb?.issues).toEqual(["ncb_slab"]);
    expect(duplicate?.issues).toEqual(["duplicate"]);
    expect(short?.reason).toBe("3 cell(s); the header has 15");
    expect(acme?.reason).toBe("insurer: Not an insurer in the registry");
    expect(decimals?.reason).toMatch(/^totalPremium: /);

    const token = tenant.accessToken;
    const record = await callJson<PolicyBody>(`/api/policies/${saved?.policyId}`, { token }, 200);
    expect(record).toMatchObject({ status: "saved", source: "csv_import", issues: [] });
    expect(record.fields.issueDate?.value).toBe("2026-03-12");
    expect(record.fields.expiryDate?.value).toBe("2027-03-11");
    expect(record.fields.totalPremium).toEqual({ value: 11800, confidence: 1, source: "manual", page: null });
    expect(record.fields.vehicleNumber?.value).toBe("MH12AB1234");
    expect(record.fields.insurer?.value).toBe("TATA AIG General Insurance");
    expect(record.extras).toMatchObject({ callerName: "Asha", cashback: 500.5 });
    const multiline = await callJson<PolicyBody>(`/api/policies/${ncb?.policyId}`, { token }, 200);
    expect(multiline.fields.customerName?.value).toBe("Arjun\nRao");
    const changes = await callJson<{
      data: Array<{ field: string; newValue: unknown; actor: { id: string } }>;
    }>(`/api/policies/${saved?.policyId}/changes`, { token }, 200);
    expect(changes.data).toEqual([
      expect.objectContaining({
        field: "status",
        newValue: "saved",
        actor: { kind: "user", id: ops.user.id },
      }),
    ]);
    const list = await callJson<{ total: number }>("/api/policies", { token }, 200);
    expect(list.total).toBe(3);
    // The duplicate stays in review: confirming it would save the number twice.
    await callJson(`/api/policies/${duplicate?.policyId}/confirm`, { method: "POST", token }, 409);
  });

  it("refuses a file it cannot read as a whole with a 4xx and imports nothing", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const cases: Array<[string, string, number, RegExp]> = [
      [`${HEADER},colour\r\n${row("B-1")},red`, "text/csv", 400, /Unknown column\(s\): colour/],
      [`policyNumber,policyNumber\r\nB-2,B-3`, "text/csv", 400, /named twice/],
      [HEADER, "text/csv", 400, /no rows/],
      ["", "text/csv", 400, /empty/],
      [`${HEADER}\r\n"B-4,unclosed`, "text/csv", 400, /Unclosed quote starting on line 2/],
      [`${HEADER}\r\n${row("B-5")}`, "application/json", 415, /text\/csv/],
    ];
    for (const [csv, type, status, message] of cases) {
      const response = await importCsv(token, csv, type);
      const body = (await response.json()) as { error: { message: string } };
      expect([response.status, body.error.message], csv.slice(0, 40)).toEqual([
        status,
        expect.stringMatching(message),
      ]);
    }
    expect((await callJson<{ total: number }>("/api/policies", { token }, 200)).total).toBe(0);
    expect((await importCsv("nope", HEADER)).status).toBe(401);
  });
});
