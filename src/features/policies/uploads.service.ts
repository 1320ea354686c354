import { and, count, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { policies, policyUploads, type UploadStatus } from "../../db/schema";
import type { Config } from "../../env";
import type { Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import { describeError, log } from "../../lib/logger";
import { assertUploadSize, uploadedName } from "../../lib/uploads";
import type { Storage } from "../../providers/storage";
import { type PolicyJob, policyPdfKey } from "./policies.jobs";
import type { ManualExtrasInput } from "./policies.schemas";
import { storedExtras, uploadView } from "./policies.views";
import type { PublishUploadState } from "./policy-events";

export interface UploadDeps {
  db: Database;
  storage: Storage;
  queue: { send(job: PolicyJob): Promise<unknown> };
  config: Pick<Config, "MAX_UPLOAD_BYTES" | "STORAGE_PREFIX">;
  publish: PublishUploadState;
}

const isPdf = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 1024)).includes("%PDF-");

/** Stores the PDF under the tenant's prefix, records the upload and queues its extraction. */
export async function uploadPolicyPdf(
  deps: UploadDeps,
  principal: Principal,
  input: { file: File; manualExtras?: ManualExtrasInput },
) {
  const { db, storage, config } = deps;
  assertUploadSize(input.file.size, config.MAX_UPLOAD_BYTES);
  const bytes = new Uint8Array(await input.file.arrayBuffer());
  if (bytes.length === 0) throw new AppError("bad_request", "The file is empty");
  if (!isPdf(bytes)) throw new AppError("unsupported_media_type", "Policy uploads must be PDF files");
  const id = uuidv7();
  const storageKey = policyPdfKey(config.STORAGE_PREFIX, principal.tenantId, id);
  const filename = uploadedName(input.file.name, "policy.pdf");
  await storage.put(storageKey, bytes, "application/pdf");
  try {
    const [row] = await db
      .insert(policyUploads)
      .values({
        id,
        tenantId: principal.tenantId,
        filename,
        sizeBytes: bytes.length,
        storageKey,
        extras: storedExtras(input.manualExtras),
        uploadedBy: principal.kind === "user" ? principal.id : null,
      })
      .returning();
    if (!row) throw new Error("upload insert returned nothing");
    // Announced before it is sent, so "queued" never arrives after the consumer's "extracting".
    await deps.publish(principal.tenantId, { id, state: "queued" });
    await deps.queue.send({ uploadId: id, tenantId: principal.tenantId, generation: row.generation });
    return uploadView(row, null);
  } catch (error) {
    // Nothing half-done stays behind: the client can simply upload again.
    await db.delete(policyUploads).where(eq(policyUploads.id, id));
    await storage.delete([storageKey]).catch(() => {});
    log("error", "policy upload failed", { uploadId: id, ...describeError(error) });
    await deps.publish(principal.tenantId, { id, state: "failed", reason: "Not accepted; upload it again" });
    throw new AppError("service_unavailable", "Could not accept the upload right now; try again");
  }
}

/** An upload of the tenant with its record's id and status; another tenant's is a 404. */
export async function loadUpload(db: Database, tenantId: string, id: string) {
  const [found] = await db
    .select({ upload: policyUploads, policyId: policies.id, policyStatus: policies.status })
    .from(policyUploads)
    .leftJoin(policies, eq(policies.uploadId, policyUploads.id))
    .where(and(eq(policyUploads.id, id), eq(policyUploads.tenantId, tenantId)));
  if (!found) throw notFound("Upload");
  return found;
}

export async function getUpload(db: Database, tenantId: string, id: string) {
  const { upload, policyId } = await loadUpload(db, tenantId, id);
  return uploadView(upload, policyId);
}

/** Where the upload is in the lifecycle: its own state until extracted, then its record's. */
export async function uploadState(db: Database, tenantId: string, id: string) {
  const { upload, policyId, policyStatus } = await loadUpload(db, tenantId, id);
  const state = upload.status === "extracted" && policyStatus ? policyStatus : upload.status;
  return {
    id: upload.id,
    state: state === "extracted" ? ("extracting" as const) : state,
    pages: { done: upload.pagesDone, total: upload.pagesTotal },
    reason: upload.reason,
    code: upload.failureCode,
    policyId,
  };
}

export async function listUploads(
  db: Database,
  tenantId: string,
  filters: { status?: UploadStatus; offset: number; limit: number },
) {
  const conditions: SQL[] = [eq(policyUploads.tenantId, tenantId)];
  if (filters.status) conditions.push(eq(policyUploads.status, filters.status));
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    db
      .select({ upload: policyUploads, policyId: policies.id })
      .from(policyUploads)
      .leftJoin(policies, eq(policies.uploadId, policyUploads.id))
      .where(where)
      .orderBy(desc(policyUploads.createdAt), desc(policyUploads.id))
      .limit(filters.limit)
      .offset(filters.offset),
    db.select({ n: count() }).from(policyUploads).where(where),
  ]);
  return { data: rows.map((row) => uploadView(row.upload, row.policyId)), total: total?.n ?? 0 };
}

/** Queues the extraction again (a new generation); refused once a human saved or rejected the record. */
export async function reprocessUpload(deps: UploadDeps, tenantId: string, id: string) {
  const { policyStatus } = await loadUpload(deps.db, tenantId, id);
  if (policyStatus === "saved" || policyStatus === "rejected")
    throw new AppError("conflict", `The record made from this upload is already ${policyStatus}`);
  const [row] = await deps.db
    .update(policyUploads)
    .set({
      status: "uploaded",
      generation: sql`${policyUploads.generation} + 1`,
      reason: null,
      failureCode: null,
      attempts: 0,
    })
    .where(and(eq(policyUploads.id, id), eq(policyUploads.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound("Upload");
  await deps.publish(tenantId, { id, state: "queued" });
  await deps.queue.send({ uploadId: id, tenantId, generation: row.generation });
  return getUpload(deps.db, tenantId, id);
}
