import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { loadConfig } from "../../../src/env";
import { runDocumentJob } from "../../../src/features/documents/processing";
import { createOcr } from "../../../src/providers/ocr";
import { callJson, registerTenant } from "../../support/api";
import { scannedPdf } from "../../support/files";
import {
  expectPolicyScanCited,
  processDeps,
  search,
  stageDocument,
  textractCalls,
  uniqueWord,
  upload,
  waitUntilSettled,
} from "./helpers";

const config = loadConfig(env);

describe("scanned pages and Textract", () => {
  it("parses Textract blocks (forms, tables, lines) in reading order through the real AWS SDK client", async () => {
    const tag = uniqueWord();
    const page = await scannedPdf([{ fixture: "policy-scan", tag }]);
    const ocr = createOcr(config);
    expect(await ocr?.readPage(page)).toBe(
      [
        "ACME Mutual Insurance",
        "Policy Schedule",
        "Policy number: PX-48213",
        "Insured: Jane Doe",
        "Coverage | Limit",
        "Flood damage | 250,000 EUR",
        "Windstorm | 100,000 EUR",
        "Claims must be reported within thirty days of the loss.",
      ].join("\n"),
    );
    const plain = createOcr({ ...config, TEXTRACT_FEATURES: "" });
    expect(await plain?.readPage(page)).toContain(
      "Policy number: PX-48213\nInsured: Jane Doe\nCoverage Limit",
    );
    expect((await textractCalls(tag)).map((call) => call.target)).toEqual([
      "AnalyzeDocument",
      "DetectDocumentText",
    ]);

    // Textract's synchronous API takes one page; a multi-page PDF is refused by the service itself.
    const twoPages = await scannedPdf([{ fixture: "policy-scan", tag }, { paragraphs: ["text"] }]);
    await expect(ocr?.readPage(twoPages)).rejects.toThrow(/UnsupportedDocumentException/);
  });

  it("sends only the pages without a text layer to Textract, one page at a time, and cites them", async () => {
    const tenant = await registerTenant();
    const tag = uniqueWord();
    const pdf = await scannedPdf([
      { heading: "Cover letter", paragraphs: [`Dear customer, your ${tag} documents follow.`] },
      { fixture: "policy-scan", tag },
      { fixture: "claims-scan", tag },
    ]);
    const doc = await upload(tenant.accessToken, pdf, "scan.pdf");
    const done = await waitUntilSettled(tenant.accessToken, doc.id);
    expect(done).toMatchObject({ status: "ready", pages: { done: 3, total: 3 }, error: null });
    expect((await textractCalls(tag)).map((call) => call.fixture)).toEqual(["policy-scan", "claims-scan"]);

    await expectPolicyScanCited(tenant.accessToken, doc.id, 2);
    const hail = await search(tenant.accessToken, { q: "hailstone greenhouses" });
    expect(hail.data[0]).toMatchObject({ documentId: doc.id, page: 3 });
  });

  it("without OCR marks scans needs_ocr with a clear message, keeps the text pages searchable, and re-processing with Textract completes it", async () => {
    const tenant = await registerTenant();
    const tag = uniqueWord();
    const pdf = await scannedPdf([
      { paragraphs: [`Intro page about ${tag} cover.`] },
      { fixture: "claims-scan", tag },
    ]);
    const { document: doc, job } = await stageDocument(tenant, pdf, "mixed.pdf");
    const { db, close } = openDatabase(config);
    try {
      expect(await runDocumentJob(processDeps(db), job)).toEqual({ kind: "done", status: "needs_ocr" });
    } finally {
      await close();
    }

    const status = await callJson<{ status: string; error: string; pages: unknown }>(
      `/api/documents/${doc.id}/status`,
      { token: tenant.accessToken },
      200,
    );
    expect(status).toMatchObject({ status: "needs_ocr", pages: { done: 2, total: 2 } });
    expect(status.error).toMatch(/Page\(s\) 2 have no text layer.*OCR_PROVIDER=textract/);
    expect((await search(tenant.accessToken, { q: `${tag} cover` })).data[0]).toMatchObject({ page: 1 });
    expect(await textractCalls(tag)).toEqual([]);

    await callJson(`/api/documents/${doc.id}/process`, { method: "POST", token: tenant.accessToken }, 202);
    expect(await waitUntilSettled(tenant.accessToken, doc.id)).toMatchObject({
      status: "ready",
      error: null,
    });
    expect((await search(tenant.accessToken, { q: "hailstone" })).data[0]).toMatchObject({
      documentId: doc.id,
      page: 2,
    });
  });
});
