import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { documents } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { MAX_TEXTRACT_POLLS, pollDelaySeconds } from "../../../src/features/documents/processing";
import { createOcr } from "../../../src/providers/ocr";
import { s3Storage } from "../../../src/providers/storage";
import { registerTenant } from "../../support/api";
import { scannedPdf } from "../../support/files";
import { expectPolicyScanCited, search, textractCalls, uniqueWord } from "./helpers";
import { s3Worker } from "./s3-world";

const config = loadConfig(env);

describe("Textract's asynchronous API for documents in S3", () => {
  it("reads all scanned pages with one job, polled through delayed queue messages, and cites their pages", {
    timeout: 30_000,
  }, async () => {
    const tenant = await registerTenant();
    const tag = uniqueWord();
    const pdf = await scannedPdf([
      { heading: "Cover letter", paragraphs: [`Dear customer, your ${tag} documents follow.`] },
      { fixture: "policy-scan", tag },
      { paragraphs: [`Page three explains the ${tag} renewal terms.`] },
      { fixture: "claims-scan", tag },
    ]);
    const app = s3Worker();
    const doc = await app.upload(tenant.accessToken, pdf, "scan.pdf");

    // First message: the text page before the scan is kept, the job is started, a poll is queued.
    expect((await app.deliverNext()).settled).toEqual(["ack"]);
    expect(app.sent.map(({ delaySeconds }) => delaySeconds)).toEqual([pollDelaySeconds(0)]);
    expect(await app.document(tenant.accessToken, doc.id)).toMatchObject({
      status: "processing",
      pages: { done: 1, total: 4 },
    });
    expect((await textractCalls(tag)).map((call) => call.target)).toEqual(["StartDocumentAnalysis"]);

    // Second: the job is still running; look again later, without counting it as a failed attempt.
    expect((await app.deliverNext()).settled).toEqual(["ack"]);
    expect(app.sent.map(({ delaySeconds }) => delaySeconds)).toEqual([pollDelaySeconds(1)]);
    expect((await app.document(tenant.accessToken, doc.id)).status).toBe("processing");

    // Third: finished; the results are read page after page of blocks (NextToken) and the rest is done.
    expect((await app.deliverNext()).settled).toEqual(["ack"]);
    expect(app.sent).toEqual([]);
    expect(await app.document(tenant.accessToken, doc.id)).toMatchObject({
      status: "ready",
      pages: { done: 4, total: 4 },
      error: null,
    });
    const calls = (await textractCalls(tag)).map((call) => call.target);
    expect(calls[0]).toBe("StartDocumentAnalysis");
    expect(calls.slice(1)).toEqual(Array(calls.length - 1).fill("GetDocumentAnalysis"));
    // One IN_PROGRESS answer, then more than one page of results; no synchronous per-page calls.
    expect(calls.length).toBeGreaterThanOrEqual(4);

    await expectPolicyScanCited(tenant.accessToken, doc.id, 2);
    expect((await search(tenant.accessToken, { q: `${tag} renewal` })).data[0]).toMatchObject({ page: 3 });
    expect((await search(tenant.accessToken, { q: "hailstone greenhouses" })).data[0]).toMatchObject({
      documentId: doc.id,
      page: 4,
    });
  });

  it("fails the document with Textract's reason when the job fails or reads only part of it", {
    timeout: 30_000,
  }, async () => {
    const tenant = await registerTenant();
    const tag = uniqueWord();
    const app = s3Worker();
    const failing = await app.upload(
      tenant.accessToken,
      await scannedPdf([{ paragraphs: ["Intro"] }, { fixture: "outage", tag }]),
      "failing.pdf",
    );
    const torn = await app.upload(
      tenant.accessToken,
      await scannedPdf([
        { fixture: "claims-scan", tag },
        { fixture: "torn-scan", tag },
      ]),
      "torn.pdf",
    );
    while (app.sent.length > 0) await app.deliverNext();

    const failed = await app.document(tenant.accessToken, failing.id);
    expect(failed).toMatchObject({ status: "failed", pages: { done: 1, total: 2 } });
    expect(failed.error).toMatch(/^Textract job \w+ failed: Textract is having a bad day$/);
    const partial = await app.document(tenant.accessToken, torn.id);
    expect(partial.status).toBe("failed");
    expect(partial.error).toMatch(
      /^Textract job \w+ read the document only partly: UNREADABLE_PAGE on page\(s\) 2$/,
    );
  });

  it("stops polling a job that never finishes after a bounded number of checks", async () => {
    expect(Array.from({ length: 6 }, (_, polls) => pollDelaySeconds(polls))).toEqual([5, 10, 20, 40, 60, 60]);
    const tenant = await registerTenant();
    const tag = uniqueWord();
    const app = s3Worker();
    const doc = await app.upload(
      tenant.accessToken,
      await scannedPdf([{ fixture: "claims-scan", tag }]),
      "slow.pdf",
    );
    await app.deliverNext();
    // As if the job had been checked all but once already.
    const { db, close } = openDatabase(config);
    try {
      await db
        .update(documents)
        .set({
          state: sql`jsonb_set(${documents.state}, '{textract,polls}', ${String(MAX_TEXTRACT_POLLS - 1)}::jsonb)`,
        })
        .where(eq(documents.id, doc.id));
    } finally {
      await close();
    }
    await app.deliverNext();
    expect(app.sent).toEqual([]);
    const stuck = await app.document(tenant.accessToken, doc.id);
    expect(stuck.status).toBe("failed");
    expect(stuck.error).toMatch(
      new RegExp(
        `^Textract job \\w+ was still running after ${MAX_TEXTRACT_POLLS} checks over about 37 minutes`,
      ),
    );
  });

  it("starts one job per request token, refuses an object S3 does not have, and groups blocks by page", async () => {
    const ocr = createOcr(config);
    if (!ocr) throw new Error("OCR is configured in tests");
    const storage = s3Storage({ ...config, STORAGE_PROVIDER: "s3" });
    const tag = uniqueWord();
    const key = `${crypto.randomUUID()}/scan.pdf`;
    await storage.put(
      key,
      await scannedPdf([
        { fixture: "claims-scan", tag },
        { paragraphs: ["typed"] },
        { fixture: "policy-scan", tag },
      ]),
      "application/pdf",
    );
    const location = storage.awsLocation?.(key);
    expect(location).toEqual({ bucket: "switchboard-test", key });
    if (!location) return;

    const token = crypto.randomUUID();
    const job = await ocr.startDocument(location, token);
    expect(await ocr.startDocument(location, token)).toEqual(job);
    expect(job.api).toBe("analysis");
    expect(await ocr.documentResult(job)).toEqual({ status: "running" });
    const result = await ocr.documentResult(job);
    if (result.status !== "done") throw new Error("the job should be done");
    expect([...result.pages.keys()].sort()).toEqual([1, 2, 3]);
    expect(result.pages.get(1)).toContain("Hailstone damage to greenhouses");
    expect(result.pages.get(2)).toBe("");
    expect(result.pages.get(3)).toContain("Flood damage | 250,000 EUR");

    const text = createOcr({ ...config, TEXTRACT_FEATURES: "" });
    const plain = await text?.startDocument(location, crypto.randomUUID());
    expect(plain?.api).toBe("text");
    const calls = (await textractCalls(tag)).map((call) => call.target);
    expect(calls.slice(0, 3)).toEqual([
      "StartDocumentAnalysis",
      "StartDocumentAnalysis",
      "GetDocumentAnalysis",
    ]);
    expect(calls.at(-1)).toBe("StartDocumentTextDetection");
    // IN_PROGRESS, then the blocks over several answers (the fake gives 25 per answer).
    expect(calls.slice(2, -1).every((target) => target === "GetDocumentAnalysis")).toBe(true);
    expect(calls.length - 3).toBeGreaterThanOrEqual(3);

    await expect(
      ocr.startDocument({ ...location, key: `${key}.missing` }, crypto.randomUUID()),
    ).rejects.toThrow(
      expect.objectContaining({
        name: "OcrError",
        retryable: false,
        message: expect.stringMatching(/InvalidS3ObjectException/),
      }),
    );
    await expect(
      ocr.startDocument({ ...location, bucket: "someone-elses" }, crypto.randomUUID()),
    ).rejects.toThrow(/InvalidS3ObjectException/);
    // A bucket behind R2's S3 endpoint is out of Textract's reach: no location, so pages go one by one.
    const r2 = s3Storage({ ...config, S3_ENDPOINT: "https://0123abcd.r2.cloudflarestorage.com" });
    expect(r2.awsLocation).toBeUndefined();
  });
});
