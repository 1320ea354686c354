import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { documentChunks, documents, type ExtractionState } from "../../db/schema";
import { type Embeddings, EmbeddingsError } from "../../lib/embeddings";
import { type Ocr, OcrError } from "../../lib/ocr";
import type { Storage } from "../../lib/storage";
import { type Chunk, chunkPage } from "./chunking";
import { claim, LeaseLost, prepare, release, whyNotClaimed } from "./document-lease";
import type { PublishDocumentEvent } from "./documents.events";
import type { DocumentJob } from "./documents.jobs";
import { statusView } from "./documents.views";
import { openSource } from "./extract/open-source";
import { DocumentError, type DocumentSource, paragraphs, type TextBlock } from "./extract/types";

export interface ProcessDeps {
  db: Database;
  storage: Storage;
  ocr: Ocr | null;
  embeddings: Embeddings | null;
  publish: PublishDocumentEvent;
  maxPages: number;
  /** Work on one message stops after this long and continues in a fresh message. */
  sliceMs: number;
}

export type JobOutcome =
  | { kind: "done"; status: "ready" | "needs_ocr" | "failed" }
  | { kind: "skipped"; reason: string }
  | { kind: "continue" }
  | { kind: "busy"; retryInSeconds: number }
  | { kind: "retry"; error: string };

type DocumentRow = typeof documents.$inferSelect;

const PROGRESS_EVERY_MS = 1_000;
// Commit extracted pages when this many chunks are waiting, or this long after the last commit.
const COMMIT_CHUNKS = 128;
const COMMIT_EVERY_MS = 1_000;

/**
 * Processes one queue message: claims the document for its generation under a lease, resumes after
 * the last committed page, and commits pages' chunks together with the progress counter. A
 * duplicate or stale message finds nothing to claim and does no work.
 */
export async function runDocumentJob(deps: ProcessDeps, job: DocumentJob): Promise<JobOutcome> {
  const started = Date.now();
  const leaseToken = crypto.randomUUID();
  const leaseSeconds = Math.ceil(deps.sliceMs / 1000) * 3 + 60;
  const claimed = await claim(deps.db, job, leaseToken, leaseSeconds);
  if (!claimed) return whyNotClaimed(deps.db, job);
  await announce(deps, claimed);

  let source: DocumentSource | undefined;
  try {
    const bytes = await deps.storage.bytes(claimed.storageKey);
    if (!bytes) throw new DocumentError("The original file is missing from storage");
    source = await openSource(claimed.kind, bytes, deps.maxPages);
    let row = await prepare(deps.db, claimed, leaseToken, source.pagesTotal);
    let state: ExtractionState = { ...row.state };
    let pending: PageChunks[] = [];
    let chunkCount = row.chunkCount;
    // One commit runs while the next pages are extracted: Postgres indexes while the Worker parses.
    let inflight: Promise<DocumentRow> | undefined;
    let lastCommit = Date.now();
    let lastProgress = Date.now();
    for (let page = row.pagesDone + 1; page <= source.pagesTotal; page++) {
      const extracted = await extractPage(deps, source, page, state);
      state = extracted.state;
      pending.push(extracted);
      const last = page === source.pagesTotal;
      const sliceOver = Date.now() - started >= deps.sliceMs;
      const due =
        last ||
        sliceOver ||
        extracted.ocr ||
        pending.reduce((n, p) => n + p.chunks.length, 0) >= COMMIT_CHUNKS ||
        Date.now() - lastCommit >= COMMIT_EVERY_MS;
      if (!due) continue;
      if (inflight) row = await inflight;
      inflight = commit(deps, row, chunkCount, pending, page, state, leaseToken, leaseSeconds, source.paged);
      // Awaited below; until then a failure must not count as unhandled.
      inflight.catch(() => {});
      chunkCount += pending.reduce((n, p) => n + p.chunks.length, 0);
      pending = [];
      lastCommit = Date.now();
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        await announce(deps, row);
      }
      if (!last && sliceOver) {
        row = await inflight;
        await release(deps.db, row, leaseToken, {});
        return { kind: "continue" };
      }
    }
    if (inflight) row = await inflight;
    return { kind: "done", status: await finish(deps, row, leaseToken) };
  } catch (error) {
    if (error instanceof LeaseLost) return { kind: "skipped", reason: "lease lost" };
    const permanent =
      error instanceof DocumentError ||
      ((error instanceof OcrError || error instanceof EmbeddingsError) && !error.retryable);
    const message = error instanceof Error ? error.message : String(error);
    if (permanent) {
      const failed = await release(deps.db, claimed, leaseToken, { status: "failed", error: message });
      if (failed) await announce(deps, failed);
      return { kind: "done", status: "failed" };
    }
    const waiting = await release(deps.db, claimed, leaseToken, {
      status: "queued",
      error: `Attempt ${claimed.attempts} failed: ${message}`,
    });
    if (waiting) await announce(deps, waiting);
    return { kind: "retry", error: message };
  } finally {
    await source?.close().catch(() => {});
  }
}

interface PageChunks {
  page: number;
  chunks: Chunk[];
  state: ExtractionState;
  /** The page went through (paid, slow) OCR: commit it at once so a crash does not repeat that. */
  ocr: boolean;
}

async function extractPage(
  deps: ProcessDeps,
  source: DocumentSource,
  page: number,
  previous: ExtractionState,
): Promise<PageChunks> {
  const state: ExtractionState = { ...previous };
  const content = await source.page(page);
  let blocks: TextBlock[] = content.blocks;
  let ocr = false;
  if (content.needsOcr) {
    if (deps.ocr && source.singlePagePdf) {
      blocks = paragraphs(await deps.ocr.readPage(await source.singlePagePdf(page)));
      state.ocrPages = [...(state.ocrPages ?? []), page];
      ocr = true;
    } else {
      state.ocrPending = [...(state.ocrPending ?? []), page];
    }
  }
  const { chunks, heading } = chunkPage(blocks, state.heading ?? null);
  state.heading = heading;
  return { page, chunks, state, ocr };
}

/**
 * Writes the chunks of the pages extracted since the last commit and moves the progress counter, in
 * one transaction that only succeeds while we hold the lease. Pages are grouped because a round trip
 * per page would cost more than extracting the page.
 */
async function commit(
  deps: ProcessDeps,
  row: DocumentRow,
  ordinalBase: number,
  pages: PageChunks[],
  lastPage: number,
  state: ExtractionState,
  leaseToken: string,
  leaseSeconds: number,
  paged: boolean,
): Promise<DocumentRow> {
  const chunks = pages.flatMap(({ page, chunks: pageChunks }) =>
    pageChunks.map((chunk) => ({ page, chunk })),
  );
  const vectors =
    deps.embeddings && chunks.length > 0
      ? await deps.embeddings.embed(chunks.map(({ chunk }) => embeddingText(chunk)))
      : null;
  return deps.db.transaction(async (tx) => {
    if (chunks.length > 0) {
      await tx.insert(documentChunks).values(
        chunks.map(({ page, chunk }, index) => ({
          tenantId: row.tenantId,
          documentId: row.id,
          collectionId: row.collectionId,
          generation: row.generation,
          ordinal: ordinalBase + index,
          page: paged ? page : null,
          heading: chunk.heading,
          content: chunk.content,
          embedding: vectors?.[index] ?? null,
        })),
      );
    }
    const [updated] = await tx
      .update(documents)
      .set({
        pagesDone: lastPage,
        chunkCount: ordinalBase + chunks.length,
        state,
        leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(and(eq(documents.id, row.id), eq(documents.leaseToken, leaseToken)))
      .returning();
    // Throwing rolls the pages back: whoever holds the lease now redoes them.
    if (!updated) throw new LeaseLost();
    return updated;
  });
}

const embeddingText = (chunk: Chunk) =>
  chunk.heading ? `${chunk.heading}\n${chunk.content}` : chunk.content;

async function finish(deps: ProcessDeps, row: DocumentRow, leaseToken: string) {
  const pending = row.state.ocrPending ?? [];
  const status = pending.length > 0 ? "needs_ocr" : row.chunkCount > 0 ? "ready" : "failed";
  const error =
    status === "needs_ocr"
      ? `Page(s) ${pending.join(", ")} have no text layer (scanned images) and no OCR provider is configured; set OCR_PROVIDER=textract to read them, then re-process`
      : status === "failed"
        ? "No text found in the document"
        : null;
  const done = await release(deps.db, row, leaseToken, { status, error, processedAt: new Date() });
  if (!done) throw new LeaseLost();
  await announce(deps, done);
  return status;
}

async function announce(deps: ProcessDeps, row: DocumentRow) {
  await deps.publish(row.tenantId, {
    type: "document.updated",
    document: { ...statusView(row), title: row.title },
  });
}
