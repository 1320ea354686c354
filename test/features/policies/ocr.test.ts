import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, registerTenant, unique } from "../../support/api";
import { scannedPdf } from "../../support/files";
import { cleanMotorDoc, type PolicyBody, pdfOf, uploadAndSettle, valuesOf } from "./helpers";

/** A call the fake Textract saw (test/support/node/fake-textract.ts). */
interface TextractCall {
  target: string;
  features: string[];
  fixture: string | null;
  queries?: Array<{ alias: string | null; pages: string[] | null }>;
}

const callsTagged = async (tag: string) =>
  (await (await fetch(`${env.FAKE_SERVICES_URL}/_test/textract/calls?tag=${tag}`)).json()) as TextractCall[];

describe("scanned policy schedules (Textract QUERIES)", () => {
  it("reads a scanned page with AnalyzeDocument QUERIES on every page: values from QUERY_RESULT answers, source ocr, Textract's confidence", {
    timeout: 60_000,
  }, async () => {
    const tenant = await registerTenant();
    const tag = `scan${unique()}`;
    const state = await uploadAndSettle(
      tenant.accessToken,
      await scannedPdf([{ fixture: "motor-policy-scan", tag }]),
    );
    const policy = await callJson<PolicyBody>(
      `/api/policies/${state.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(valuesOf(policy)).toMatchObject({
      productLine: "motor",
      insurer: "TATA AIG General Insurance",
      policyNumber: "6201/0012/3456/00/000",
      customerName: "Meera Nair",
      issueDate: "2026-03-10",
      startDate: "2026-03-12",
      expiryDate: "2027-03-11",
      netPremium: 10000,
      gstAmount: 1800,
      totalPremium: 11800,
      vehicleNumber: "MH12AB1234",
      ncbPercent: 25,
    });
    for (const field of Object.values(policy.fields)) expect(field).toMatchObject({ source: "ocr", page: 1 });
    expect(policy.fields.totalPremium?.confidence).toBeGreaterThanOrEqual(0.9);
    // Textract was unsure of the registration (41%): the record waits for a human, saying why.
    expect(policy.fields.vehicleNumber?.confidence).toBeLessThan(0.5);
    expect(state.state).toBe("needs_review");
    expect(policy.issues).toEqual([
      expect.objectContaining({ field: "vehicleNumber", code: "low_confidence" }),
    ]);

    const [call, ...more] = await callsTagged(tag);
    expect(more).toEqual([]);
    expect(call).toMatchObject({ target: "AnalyzeDocument", fixture: "motor-policy-scan" });
    expect(call?.features).toEqual(["QUERIES", "TABLES", "FORMS"]);
    expect(call?.queries).toHaveLength(15);
    expect(call?.queries?.every((query) => JSON.stringify(query.pages) === '["*"]')).toBe(true);
  });

  it("reads the text layer as text and only the scanned page by OCR, and flags a scan with nothing legible", {
    timeout: 60_000,
  }, async () => {
    const tenant = await registerTenant();
    const tag = `mixed${unique()}`;
    const doc = cleanMotorDoc((d) => d.runs.length === 1);
    const { PDFDocument } = await import("pdf-lib");
    const mixed = await PDFDocument.create();
    for (const part of [await pdfOf(doc), await scannedPdf([{ fixture: "claims-scan", tag }])]) {
      const source = await PDFDocument.load(part);
      for (const page of await mixed.copyPages(source, source.getPageIndices())) mixed.addPage(page);
    }
    const state = await uploadAndSettle(tenant.accessToken, await mixed.save());
    const policy = await callJson<PolicyBody>(
      `/api/policies/${state.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    for (const field of Object.values(policy.fields))
      expect(field).toMatchObject({ source: "text", page: 1 });
    expect(await callsTagged(tag)).toEqual([expect.objectContaining({ target: "AnalyzeDocument" })]);
    expect(state.state).toBe("saved");

    // A blank scan: Textract finds no words and answers no query, so the page is named for review.
    const blank = await uploadAndSettle(tenant.accessToken, await pdfOf(doc, [...doc.runs, []]));
    expect(blank.state).toBe("needs_review");
  });
});
