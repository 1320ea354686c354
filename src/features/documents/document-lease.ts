import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { documentChunks, documents } from "../../db/schema";
import type { DocumentJob } from "./documents.jobs";

// One consumer at a time owns a document's processing by holding its lease (a token and a deadline);
// every commit checks and extends it. A consumer that dies just lets the deadline pass.

type DocumentRow = typeof documents.$inferSelect;

export type NotClaimed = { kind: "skipped"; reason: string } | { kind: "busy"; retryInSeconds: number };

/** Another consumer took the work over (lease expired) or the document was deleted or re-queued. */
export class LeaseLost extends Error {}

/** Takes the lease for the job's generation; undefined when the document is not free to take. */
export async function claim(db: Database, job: DocumentJob, leaseToken: string, leaseSeconds: number) {
  const [row] = await db
    .update(documents)
    .set({
      status: "processing",
      leaseToken,
      leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
      attempts: sql`${documents.attempts} + 1`,
    })
    .where(
      and(
        eq(documents.id, job.documentId),
        eq(documents.tenantId, job.tenantId),
        eq(documents.generation, job.generation),
        inArray(documents.status, ["queued", "processing"]),
        or(isNull(documents.leaseUntil), lt(documents.leaseUntil, sql`now()`)),
      ),
    )
    .returning();
  return row;
}

/** Why a job found nothing to claim: finished already, superseded, deleted, or the lease is held. */
export async function whyNotClaimed(db: Database, job: DocumentJob): Promise<NotClaimed> {
  const [row] = await db
    .select({
      generation: documents.generation,
      status: documents.status,
      leftSeconds: sql<number>`greatest(0, extract(epoch from ${documents.leaseUntil} - now()))::float8`,
    })
    .from(documents)
    .where(and(eq(documents.id, job.documentId), eq(documents.tenantId, job.tenantId)));
  if (!row) return { kind: "skipped", reason: "document deleted" };
  if (row.generation !== job.generation) return { kind: "skipped", reason: "superseded by a newer request" };
  if (row.status !== "queued" && row.status !== "processing")
    return { kind: "skipped", reason: `already ${row.status}` };
  // Someone holds the lease: look again once it would have run out.
  return { kind: "busy", retryInSeconds: Math.max(1, Math.ceil(row.leftSeconds ?? 1)) };
}

/** Records the page count and drops chunks left by an interrupted run or an older generation. */
export async function prepare(db: Database, row: DocumentRow, leaseToken: string, pagesTotal: number) {
  await db
    .delete(documentChunks)
    .where(
      and(
        eq(documentChunks.documentId, row.id),
        or(
          sql`${documentChunks.generation} <> ${row.generation}`,
          sql`${documentChunks.ordinal} >= ${row.chunkCount}`,
        ),
      ),
    );
  const [updated] = await db
    .update(documents)
    .set({ pagesTotal })
    .where(and(eq(documents.id, row.id), eq(documents.leaseToken, leaseToken)))
    .returning();
  if (!updated) throw new LeaseLost();
  return updated;
}

/** Gives the lease up, with whatever else changes at that moment. Null when it was no longer ours. */
export async function release(
  db: Database,
  row: DocumentRow,
  leaseToken: string,
  changes: Partial<Pick<DocumentRow, "status" | "error" | "processedAt">>,
) {
  const [updated] = await db
    .update(documents)
    .set({ ...changes, leaseToken: null, leaseUntil: null })
    .where(and(eq(documents.id, row.id), eq(documents.leaseToken, leaseToken)))
    .returning();
  return updated;
}
