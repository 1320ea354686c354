import { exports } from "cloudflare:workers";
import { PDFDocument, PDFHexString, PDFName } from "pdf-lib";
import { extractPolicy } from "../../../src/features/policies/extract";
import { type CorpusDoc, generateDoc } from "../../support/policy-corpus";
import { corpusPdf } from "../../support/policy-corpus/pdf";
import { Random } from "../../support/policy-corpus/random";
import type { Run } from "../../support/policy-corpus/render";

export interface PolicyBody {
  id: string;
  status: string;
  source: string;
  uploadId: string | null;
  fields: Record<string, { value: unknown; confidence: number; source: string; page: number | null }>;
  issues: Array<{ field: string; code: string; message: string }>;
  extras: Record<string, unknown>;
}

export interface UploadState {
  id: string;
  state: string;
  pages: { done: number; total: number | null };
  reason: string | null;
  policyId: string | null;
}

const MONEY = new Set(["netOd", "tpPremium", "netPremium", "gstAmount", "totalPremium", "idv", "sumInsured"]);

/** A motor schedule from the corpus that the engine reads completely and without issues. */
export function cleanMotorDoc(accept: (doc: CorpusDoc) => boolean = () => true, seed = 41): CorpusDoc {
  const random = new Random(seed);
  for (let index = 0; index < 200; index++) {
    const doc = generateDoc(random, index);
    if (doc.truth.productLine !== "motor" || doc.unseen.length > 0 || !accept(doc)) continue;
    const extraction = extractPolicy(doc.pages);
    const exact = Object.entries(doc.truth).every(
      ([name, value]) =>
        JSON.stringify(extraction.fields[name as keyof typeof extraction.fields]?.value ?? null) ===
        JSON.stringify(value),
    );
    if (!extraction.needsReview && exact) return doc;
  }
  throw new Error("no clean motor schedule in the corpus");
}

/** The truth as the API shows it: money in rupees, absent fields left out. */
export function expectedValues(doc: CorpusDoc): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(doc.truth)
      .filter(([, value]) => value !== null)
      .map(([name, value]) => [name, MONEY.has(name) ? (value as number) / 100 : value]),
  );
}

/** The same schedule with one printed text replaced (to make a check fail). */
export function withText(runs: Run[][], from: string, to: string): Run[][] {
  let replaced = 0;
  const next = runs.map((page) =>
    page.map((run) => {
      if (!run.str.includes(from)) return run;
      replaced++;
      return { ...run, str: run.str.replace(from, to) };
    }),
  );
  if (replaced === 0) throw new Error(`"${from}" is not printed`);
  return next;
}

export const pdfOf = (doc: CorpusDoc, runs = doc.runs) => corpusPdf(runs);

/** Multipart POST /api/upload/pdf. */
export function uploadPolicy(token: string, bytes: Uint8Array, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new File([bytes], "schedule.pdf", { type: "application/pdf" }));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return exports.default.fetch(
    new Request("http://switchboard.test/api/upload/pdf", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    }),
  );
}

/** Uploads, expects 202, and waits (through the real queue) until extraction has settled. */
export async function uploadAndSettle(
  token: string,
  bytes: Uint8Array,
  fields: Record<string, string> = {},
): Promise<UploadState> {
  const response = await uploadPolicy(token, bytes, fields);
  const text = await response.text();
  if (response.status !== 202) throw new Error(`upload: ${response.status} ${text}`);
  const { upload } = JSON.parse(text) as { upload: { id: string } };
  return waitForUpload(token, upload.id);
}

/** Polls the status route until the upload leaves uploaded/extracting. */
export async function waitForUpload(token: string, id: string, timeoutMs = 30_000): Promise<UploadState> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const response = await exports.default.fetch(
      new Request(`http://switchboard.test/api/upload/${id}/status`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
    );
    last = await response.text();
    const state = JSON.parse(last) as UploadState;
    if (!["uploaded", "extracting"].includes(state.state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`upload ${id} did not settle within ${timeoutMs} ms; last: ${last}`);
}

/** Field values of a record, as the API shows them. */
export const valuesOf = (policy: PolicyBody) =>
  Object.fromEntries(Object.entries(policy.fields).map(([name, field]) => [name, field.value]));

/** Whether some run prints exactly this text. */
export const prints = (doc: CorpusDoc, str: string) => doc.runs.flat().some((run) => run.str.includes(str));

/** A PDF under the standard security handler whose user password is not empty: pdf.js asks for one. */
export async function encryptedPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage();
  const hex = (bytes: number) => PDFHexString.of("ab".repeat(bytes));
  const encrypt = pdf.context.obj({ Filter: "Standard", V: 1, R: 2, Length: 40, P: -4 });
  encrypt.set(PDFName.of("O"), hex(32));
  encrypt.set(PDFName.of("U"), hex(32));
  pdf.context.trailerInfo.Encrypt = pdf.context.register(encrypt);
  pdf.context.trailerInfo.ID = pdf.context.obj([hex(16), hex(16)]);
  return pdf.save({ useObjectStreams: false });
}
