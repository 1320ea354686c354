import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  type PolicyStatus,
  policies,
  policyChanges,
  policyUploads,
  type StoredIssue,
  type UploadFailureCode,
} from "../../db/schema";
import { type Ocr, OcrError } from "../../providers/ocr";
import type { Storage } from "../../providers/storage";
import { policySaved, writeAnalytics } from "../analytics/analytics-events";
import { extractPolicy, type TextPage, validatePolicy } from "./extract";
import { pdfPages } from "./extract/pdf-pages";
import { fillFromModel, type LlmDeps } from "./llm-fallback";
import { readScannedDocument } from "./ocr-document";
import { readScannedPages, type ScannedReading, scannedPageNumbers } from "./ocr-pages";
import type { PolicyJob, TextractPoll } from "./policies.jobs";
import { type PublishUploadState, stateOf } from "./policy-events";
import { checkedFields, columnsOf, type StoredFields, storedFields } from "./policy-fields";
import { duplicateIssue, duplicateOf, unlessSavedTwice } from "./policy-review";
import { snapshotDue } from "./policy-snapshots";

export interface PolicyProcessDeps {
  db: Database;
  storage: Storage;
  /** Reads scanned pages (Textract); null: scans are left for a human. */
  ocr: Ocr | null;
  /** Asks the tenant's model for fields the rules missed (when the tenant has a provider). */
  llm?: LlmDeps;
  /** Announces the upload's progress on the tenant's inbox stream. */
  publish: PublishUploadState;
}

export type PolicyOutcome =
  | { kind: "stale" }
  | { kind: "failed"; reason: string; code: UploadFailureCode }
  /** Textract is reading the scans: check its job again in a message delayed this long. */
  | { kind: "poll"; poll: TextractPoll; delaySeconds: number }
  | { kind: "extracted"; policyId: string; status: PolicyStatus };

type Upload = typeof policyUploads.$inferSelect;

/** Reads one uploaded PDF into a policy record (needs_review or saved). Idempotent per generation:
 * a record already made for the upload is replaced unless a human has saved or rejected it. */
export async function runPolicyJob(deps: PolicyProcessDeps, job: PolicyJob): Promise<PolicyOutcome> {
  const { db } = deps;
  // A check of a running Textract job is no new attempt, and the upload is already extracting.
  const polling = job.textract !== undefined;
  const [upload] = await db
    .update(policyUploads)
    .set({
      status: "extracting",
      attempts: polling ? policyUploads.attempts : sql`${policyUploads.attempts} + 1`,
      reason: null,
      failureCode: null,
    })
    .where(
      and(
        eq(policyUploads.id, job.uploadId),
        eq(policyUploads.tenantId, job.tenantId),
        eq(policyUploads.generation, job.generation),
      ),
    )
    .returning();
  if (!upload) return { kind: "stale" };
  if (!polling) await deps.publish(upload.tenantId, { id: upload.id, state: "extracting" });
  const outcome = await extractUpload(deps, upload, job.textract);
  if (outcome.kind === "poll") return outcome;
  await deps.publish(upload.tenantId, {
    id: upload.id,
    state: outcome.kind === "failed" ? "failed" : stateOf(outcome.status),
    policyId: outcome.kind === "failed" ? null : outcome.policyId,
    reason: outcome.kind === "failed" ? outcome.reason : null,
  });
  return outcome;
}

async function extractUpload(
  deps: PolicyProcessDeps,
  upload: Upload,
  poll: TextractPoll | undefined,
): Promise<Exclude<PolicyOutcome, { kind: "stale" }>> {
  const { db } = deps;
  const bytes = await deps.storage.bytes(upload.storageKey);
  if (!bytes) return fail(db, upload, "The stored file is missing; upload it again", "file_missing");
  let pages: TextPage[];
  try {
    pages = await pdfPages(bytes);
  } catch (error) {
    return fail(db, upload, ...unreadable(error));
  }
  const scanned = scannedPageNumbers(pages);
  // A multi-page PDF in AWS S3 goes to Textract whole, asynchronously; elsewhere scans go page by page.
  const location =
    deps.ocr && pages.length > 1 && scanned.length > 0
      ? deps.storage.awsLocation?.(upload.storageKey)
      : undefined;
  await db
    .update(policyUploads)
    .set({ pagesTotal: pages.length, pagesDone: location ? pages.length - scanned.length : pages.length })
    .where(eq(policyUploads.id, upload.id));
  let reading: ScannedReading;
  if (deps.ocr && location) {
    const token = `${upload.id}-${upload.generation}`;
    try {
      const read = await readScannedDocument(deps.ocr, location, token, pages, poll);
      if ("poll" in read) return { kind: "poll", ...read };
      reading = read;
    } catch (error) {
      if (error instanceof OcrError && !error.retryable)
        return fail(db, upload, error.message, "textract_failed");
      throw error;
    }
    await db.update(policyUploads).set({ pagesDone: pages.length }).where(eq(policyUploads.id, upload.id));
  } else {
    reading = deps.ocr
      ? await readScannedPages(deps.ocr, bytes, pages)
      : { pages, answers: [], ocrPages: new Set<number>(), unread: [] };
  }
  const allScanned = reading.ocrPages.size === pages.length;
  const extraction = extractPolicy(reading.pages, {
    source: allScanned ? "ocr" : "text",
    queryAnswers: reading.answers,
  });
  const ruled = withPageSources(storedFields(extraction), reading.ocrPages);
  const filled = deps.llm ? await fillFromModel(deps.llm, upload.tenantId, reading.pages, ruled) : null;
  const fields = filled?.fields ?? ruled;
  const checks = filled?.kept
    ? validatePolicy(checkedFields(fields), {
        newVehicle: extraction.newVehicle,
        currentYear: new Date().getUTCFullYear(),
      })
    : extraction.issues;
  const unread = scanned.filter((page) => !reading.ocrPages.has(page));
  const issues: StoredIssue[] = [...scanIssues(unread), ...checks];
  // A re-run replaces the upload's own record, which is no duplicate of itself.
  const [own] = await db.select({ id: policies.id }).from(policies).where(eq(policies.uploadId, upload.id));
  const duplicate = await duplicateOf(db, upload.tenantId, fields, own?.id ?? null);
  if (duplicate) issues.push(duplicateIssue(duplicate));
  const record = { upload, fields, newVehicle: extraction.newVehicle };
  const written = await unlessSavedTwice(
    () => writeRecord(db, record, issues),
    async () => {
      const other = await duplicateOf(db, upload.tenantId, fields, own?.id ?? null);
      return writeRecord(db, record, [...issues, duplicateIssue(other ?? "saved meanwhile")]);
    },
  );
  await db
    .update(policyUploads)
    .set({ status: "extracted", reason: null })
    .where(eq(policyUploads.id, upload.id));
  return { kind: "extracted", ...written };
}

async function writeRecord(
  db: Database,
  record: { upload: Upload; fields: StoredFields; newVehicle: boolean },
  issues: StoredIssue[],
): Promise<{ policyId: string; status: PolicyStatus }> {
  const { upload, fields } = record;
  const status: PolicyStatus = issues.length > 0 ? "needs_review" : "saved";
  const values = {
    status,
    source: "pdf_upload" as const,
    fields,
    issues,
    newVehicle: record.newVehicle,
    ...columnsOf(fields),
    ...upload.extras,
  };
  const [existing] = await db
    .select({ id: policies.id, status: policies.status })
    .from(policies)
    .where(eq(policies.uploadId, upload.id));
  if (existing && (existing.status === "saved" || existing.status === "rejected"))
    return { policyId: existing.id, status: existing.status };
  const row = await db.transaction(async (tx) => {
    const [written] = existing
      ? await tx.update(policies).set(values).where(eq(policies.id, existing.id)).returning()
      : await tx
          .insert(policies)
          .values({ ...values, tenantId: upload.tenantId, uploadId: upload.id })
          .returning();
    if (!written) throw new Error("policy write returned nothing");
    await tx.insert(policyChanges).values({
      tenantId: upload.tenantId,
      policyId: written.id,
      actorKind: "system",
      field: "status",
      oldValue: existing?.status ?? null,
      newValue: status,
    });
    return snapshotDue(tx, written);
  });
  if (status === "saved") await writeAnalytics(db, upload.tenantId, [policySaved(row, null)]);
  return { policyId: row.id, status };
}

async function fail(
  db: Database,
  upload: Upload,
  reason: string,
  code: UploadFailureCode,
): Promise<{ kind: "failed"; reason: string; code: UploadFailureCode }> {
  await db
    .update(policyUploads)
    .set({ status: "failed", reason, failureCode: code })
    .where(eq(policyUploads.id, upload.id));
  return { kind: "failed", reason, code };
}

/** Scans no OCR read (none configured, or Textract refused the page): the record goes to review
 * saying which pages to read by hand. */
function scanIssues(unread: number[]): StoredIssue[] {
  if (unread.length === 0) return [];
  return [
    {
      field: "document",
      code: "scanned_pages",
      message: `Page(s) ${unread.join(", ")} are scans that OCR did not read; their fields were not read`,
    },
  ];
}

/** A field read from a scanned page came from OCR, whatever the rest of the document was. */
function withPageSources(fields: StoredFields, ocrPages: Set<number>): StoredFields {
  const sourced: StoredFields = {};
  for (const [name, field] of Object.entries(fields))
    sourced[name] = field.page !== null && ocrPages.has(field.page) ? { ...field, source: "ocr" } : field;
  return sourced;
}

/** Why pdf.js could not open the file, in words for the uploader (the file alone fails). */
function unreadable(error: unknown): [string, UploadFailureCode] {
  const name = error instanceof Error ? error.name : "";
  if (name === "PasswordException")
    return ["The PDF is encrypted (password-protected); upload an unlocked copy", "encrypted_pdf"];
  return ["The file is not a readable PDF (corrupt or not a PDF)", "unreadable_pdf"];
}
