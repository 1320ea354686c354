import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { collections, type DocumentStatus, documents } from "../../db/schema";
import type { Config } from "../../env";
import type { Principal } from "../../lib/app-env";
import { base64url, fromBase64url, sha256 } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import { describeError, log } from "../../lib/logger";
import { assertUploadSize, uploadedName } from "../../lib/uploads";
import type { Storage } from "../../providers/storage";
import { ensureCollection, resolveCollection } from "../knowledge/collections.service";
import type { PublishDocumentEvent } from "./documents.events";
import { type DocumentJob, originalKey } from "./documents.jobs";
import { documentView } from "./documents.views";
import { contentTypes, detectKind } from "./file-type";

export interface DocumentDeps {
  db: Database;
  storage: Storage;
  queue: { send(job: DocumentJob): Promise<unknown> };
  publish: PublishDocumentEvent;
  config: Pick<Config, "MAX_UPLOAD_BYTES" | "STORAGE_PREFIX">;
}

type DocumentRow = typeof documents.$inferSelect;

/** Rejects a body over the upload limit (413) before anything is stored. */

/** Stores the original, records the document (queued) and enqueues its processing. */
export async function uploadDocument(
  deps: DocumentDeps,
  principal: Principal,
  input: { file: File; collection?: string; title?: string; metadata?: Record<string, unknown> },
) {
  const { db, storage, config } = deps;
  assertUploadSize(input.file.size, config.MAX_UPLOAD_BYTES);
  const bytes = new Uint8Array(await input.file.arrayBuffer());
  if (bytes.length === 0) throw new AppError("bad_request", "The file is empty");
  const kind = detectKind(bytes);
  const collection = input.collection
    ? await ensureCollection(db, principal.tenantId, input.collection)
    : null;
  const filename = uploadedName(input.file.name, "upload");
  const id = uuidv7();
  const storageKey = originalKey(config.STORAGE_PREFIX, principal.tenantId, id);

  // The digest is computed while the original is being stored.
  const [, digest] = await Promise.all([storage.put(storageKey, bytes, contentTypes[kind]), sha256(bytes)]);
  let row: DocumentRow | undefined;
  try {
    [row] = await db
      .insert(documents)
      .values({
        id,
        tenantId: principal.tenantId,
        collectionId: collection?.id ?? null,
        title: input.title?.trim() || filename.replace(/\.[^.]+$/, "") || filename,
        filename,
        kind,
        contentType: contentTypes[kind],
        sizeBytes: bytes.length,
        sha256: digest,
        storageKey,
        metadata: input.metadata ?? {},
        uploadedBy: principal.kind === "user" ? principal.id : null,
      })
      .returning();
    if (!row) throw new Error("document insert returned nothing");
    await deps.queue.send({ documentId: id, tenantId: principal.tenantId, generation: row.generation });
  } catch (error) {
    // Nothing half-done stays behind: the client can simply upload again.
    await db.delete(documents).where(eq(documents.id, id));
    await storage.delete([storageKey]).catch(() => {});
    log("error", "document upload failed", { documentId: id, ...describeError(error) });
    throw new AppError("service_unavailable", "Could not accept the document right now; try again");
  }
  const view = documentView(row, collection);
  await deps.publish(principal.tenantId, { type: "document.updated", document: view });
  return view;
}

/** A document of the tenant; another tenant's (or none) is a 404. */
export async function loadDocument(db: Database, tenantId: string, id: string) {
  const [found] = await db
    .select({ document: documents, collection: { id: collections.id, name: collections.name } })
    .from(documents)
    .leftJoin(collections, eq(collections.id, documents.collectionId))
    .where(and(eq(documents.id, id), eq(documents.tenantId, tenantId)));
  if (!found) throw notFound("Document");
  return found;
}

export async function getDocument(db: Database, tenantId: string, id: string) {
  const { document, collection } = await loadDocument(db, tenantId, id);
  return documentView(document, collection);
}

interface ListFilters {
  status?: DocumentStatus;
  collection?: string;
  cursor?: string;
  limit: number;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(cursor)));
    const { c, i } = parsed as { c: unknown; i: unknown };
    const createdAt = new Date(String(c));
    if (Number.isNaN(createdAt.getTime()) || typeof i !== "string") throw new Error("bad cursor");
    return { createdAt, id: i };
  } catch {
    throw new AppError("validation_failed", "Invalid cursor", [
      { path: "cursor", message: "Invalid cursor" },
    ]);
  }
}

/** Newest first, keyset-paginated. */
export async function listDocuments(db: Database, tenantId: string, filters: ListFilters) {
  const conditions: SQL[] = [eq(documents.tenantId, tenantId)];
  if (filters.status) conditions.push(eq(documents.status, filters.status));
  if (filters.collection) {
    const collection = await resolveCollection(db, tenantId, filters.collection);
    conditions.push(eq(documents.collectionId, collection.id));
  }
  if (filters.cursor) {
    const { createdAt, id } = decodeCursor(filters.cursor);
    const before = or(
      lt(documents.createdAt, createdAt),
      and(eq(documents.createdAt, createdAt), lt(documents.id, id)),
    );
    if (before) conditions.push(before);
  }
  const rows = await db
    .select({ document: documents, collection: { id: collections.id, name: collections.name } })
    .from(documents)
    .leftJoin(collections, eq(collections.id, documents.collectionId))
    .where(and(...conditions))
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1)?.document;
  const nextCursor =
    rows.length > filters.limit && last
      ? base64url(new TextEncoder().encode(JSON.stringify({ c: last.createdAt.toISOString(), i: last.id })))
      : null;
  return { data: page.map((row) => documentView(row.document, row.collection)), nextCursor };
}

/** Starts a new generation: the old chunks are replaced when the new run starts. */
export async function reprocessDocument(deps: DocumentDeps, tenantId: string, id: string) {
  const { collection } = await loadDocument(deps.db, tenantId, id);
  const [row] = await deps.db
    .update(documents)
    .set({
      generation: sql`${documents.generation} + 1`,
      status: "queued",
      pagesDone: 0,
      pagesTotal: null,
      chunkCount: 0,
      error: null,
      attempts: 0,
      state: {},
      leaseToken: null,
      leaseUntil: null,
      processedAt: null,
    })
    .where(and(eq(documents.id, id), eq(documents.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound("Document");
  await deps.queue.send({ documentId: id, tenantId, generation: row.generation });
  const view = documentView(row, collection);
  await deps.publish(tenantId, { type: "document.updated", document: view });
  return view;
}

/** Removes the stored original, the row and (by cascade) its chunks and embeddings. */
export async function deleteDocument(deps: DocumentDeps, tenantId: string, id: string) {
  const { document } = await loadDocument(deps.db, tenantId, id);
  await deps.storage.delete([document.storageKey]);
  await deps.db.delete(documents).where(and(eq(documents.id, id), eq(documents.tenantId, tenantId)));
  await deps.publish(tenantId, { type: "document.deleted", documentId: id });
}
