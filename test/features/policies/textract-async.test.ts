import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pollDelaySeconds } from "../../../src/features/documents/processing";
import type { PolicyJob } from "../../../src/features/policies/policies.jobs";
import { registerTenant, unique } from "../../support/api";
import { scannedPdf } from "../../support/files";
import { s3Worker } from "../documents/s3-world";
import type { PolicyBody, UploadState } from "./helpers";

interface TextractCall {
  target: string;
  features: string[];
  queries?: Array<{ alias: string | null; pages: string[] | null }>;
}

const callsTagged = async (tag: string) =>
  (await (await fetch(`${env.FAKE_SERVICES_URL}/_test/textract/calls?tag=${tag}`)).json()) as TextractCall[];

/** The Worker with S3 storage and its policy queue held by the test. */
function policyWorld() {
  const app = s3Worker<PolicyJob>({}, { binding: "POLICY_QUEUE", name: "switchboard-policies" });
  const json = async <T>(path: string, token: string, init: RequestInit = {}) => {
    const response = await app.fetch(path, { ...init, token });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    app,
    async upload(token: string, bytes: Uint8Array) {
      const form = new FormData();
      form.append("file", new File([bytes], "schedule.pdf", { type: "application/pdf" }));
      const body = await json<{ upload: { id: string } }>("/api/upload/pdf", token, {
        method: "POST",
        body: form,
      });
      return body.upload.id;
    },
    status: (token: string, id: string) =>
      json<UploadState & { code: string | null }>(`/api/upload/${id}/status`, token),
    policy: (token: string, id: string) => json<PolicyBody>(`/api/policies/${id}`, token),
  };
}

describe("multi-page scanned policies in S3 (Textract's asynchronous API with QUERIES)", () => {
  it("reads a two-page scan with one StartDocumentAnalysis job polled by delayed messages: every field with its confidence and page", {
    timeout: 60_000,
  }, async () => {
    const tenant = await registerTenant();
    const tag = `async${unique()}`;
    const world = policyWorld();
    const id = await world.upload(
      tenant.accessToken,
      await scannedPdf([
        { fixture: "motor-scan-front", tag },
        { fixture: "motor-scan-premium", tag },
      ]),
    );

    // First message: the job is started and a check is queued, delayed; nothing waits for Textract.
    expect((await world.app.deliverNext()).settled).toEqual(["ack"]);
    expect(world.app.sent).toEqual([
      {
        job: expect.objectContaining({ uploadId: id, textract: expect.objectContaining({ polls: 0 }) }),
        delaySeconds: pollDelaySeconds(0),
      },
    ]);
    expect(await world.status(tenant.accessToken, id)).toMatchObject({
      state: "extracting",
      pages: { done: 0, total: 2 },
    });
    // Still running: looked at again later.
    expect((await world.app.deliverNext()).settled).toEqual(["ack"]);
    expect(world.app.sent.map(({ delaySeconds }) => delaySeconds)).toEqual([pollDelaySeconds(1)]);
    // Done: the blocks are read over several answers (NextToken) and the record is made.
    expect((await world.app.deliverNext()).settled).toEqual(["ack"]);
    expect(world.app.sent).toEqual([]);
    const state = await world.status(tenant.accessToken, id);
    expect(state).toMatchObject({ pages: { done: 2, total: 2 }, reason: null, code: null });
    if (!state.policyId) throw new Error("no record");

    const policy = await world.policy(tenant.accessToken, state.policyId);
    const field = (name: string) => policy.fields[name];
    expect(field("insurer")).toMatchObject({
      value: "ICICI Lombard General Insurance",
      source: "ocr",
      page: 1,
    });
    expect(field("policyNumber")).toMatchObject({ value: "3001/MT/248613/00/000", source: "ocr", page: 1 });
    expect(field("customerName")).toMatchObject({ value: "Arjun Rao", page: 1 });
    expect(field("startDate")).toMatchObject({ value: "2026-04-05", page: 1 });
    expect(field("expiryDate")).toMatchObject({ value: "2027-04-04", page: 1 });
    expect(field("vehicleNumber")).toMatchObject({ value: "KA05MN4321", page: 1 });
    expect(field("netPremium")).toMatchObject({ value: 12500, source: "ocr", page: 2 });
    expect(field("gstAmount")).toMatchObject({ value: 2250, page: 2 });
    expect(field("totalPremium")).toMatchObject({ value: 14750, page: 2 });
    expect(field("idv")).toMatchObject({ value: 480000, page: 2 });
    expect(field("totalPremium")?.confidence).toBeGreaterThanOrEqual(0.9);
    // Textract was unsure of the NCB (62%): its confidence says so.
    expect(field("ncbPercent")).toMatchObject({ value: 35, page: 2 });
    expect(field("ncbPercent")?.confidence).toBeLessThan(0.7);

    const calls = await callsTagged(tag);
    expect(calls[0]).toMatchObject({
      target: "StartDocumentAnalysis",
      features: ["QUERIES", "TABLES", "FORMS"],
    });
    expect(calls[0]?.queries).toHaveLength(15);
    expect(calls[0]?.queries?.every((query) => JSON.stringify(query.pages) === '["*"]')).toBe(true);
    // One IN_PROGRESS answer, then more than one page of blocks; no synchronous per-page calls.
    const gets = calls.slice(1).map((call) => call.target);
    expect(gets).toEqual(Array(gets.length).fill("GetDocumentAnalysis"));
    expect(gets.length).toBeGreaterThanOrEqual(3);
  });

  it("fails only the upload whose Textract job FAILED, with code textract_failed and Textract's reason; nothing is retried or dead-lettered", {
    timeout: 60_000,
  }, async () => {
    const tenant = await registerTenant();
    const tag = `asyncfail${unique()}`;
    const world = policyWorld();
    const failing = await world.upload(
      tenant.accessToken,
      await scannedPdf([
        { fixture: "motor-scan-front", tag },
        { fixture: "outage", tag },
      ]),
    );
    const fine = await world.upload(
      tenant.accessToken,
      await scannedPdf([
        { fixture: "motor-scan-front", tag },
        { fixture: "motor-scan-premium", tag },
      ]),
    );
    const settled: unknown[] = [];
    while (world.app.sent.length > 0) settled.push(...(await world.app.deliverNext()).settled);
    expect(settled.every((outcome) => outcome === "ack")).toBe(true);

    const failed = await world.status(tenant.accessToken, failing);
    expect(failed).toMatchObject({ state: "failed", code: "textract_failed", policyId: null });
    expect(failed.reason).toMatch(/^Textract job \w+ failed: Textract is having a bad day$/);
    const other = await world.status(tenant.accessToken, fine);
    expect(other).toMatchObject({ code: null, reason: null });
    expect(["saved", "needs_review"]).toContain(other.state);
  });
});
