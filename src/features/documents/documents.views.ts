import type { collections, documents } from "../../db/schema";
import { isoOrNull } from "../../lib/time";

type DocumentRow = typeof documents.$inferSelect;
type CollectionRow = Pick<typeof collections.$inferSelect, "id" | "name">;

/** Where a client polls a document's progress. */
export const statusUrl = (id: string) => `/api/documents/${id}/status`;

/** Processing progress: what `/status` returns and what `document.updated` events carry. */
export function statusView(row: DocumentRow) {
  return {
    id: row.id,
    status: row.status,
    pages: { done: row.pagesDone, total: row.pagesTotal },
    chunkCount: row.chunkCount,
    error: row.error,
    attempts: row.attempts,
    processedAt: isoOrNull(row.processedAt),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type DocumentStatusView = ReturnType<typeof statusView>;

/** The public shape of a document. */
export function documentView(row: DocumentRow, collection: CollectionRow | null) {
  return {
    ...statusView(row),
    title: row.title,
    filename: row.filename,
    kind: row.kind,
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    collection: collection ? { id: collection.id, name: collection.name } : null,
    metadata: row.metadata,
    statusUrl: statusUrl(row.id),
    createdAt: row.createdAt.toISOString(),
  };
}

export type DocumentView = ReturnType<typeof documentView>;
