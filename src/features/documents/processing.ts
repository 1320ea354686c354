import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { documents, type ExtractionState } from "../../db/schema";
import { uuidv7 } from "../../lib/ids";
import { type Embeddings, EmbeddingsError } from "../../providers/embeddings";
import { type Ocr, OcrError } from "../../providers/ocr";
import type { S3Location, Storage } from "../../providers/storage";
import { type AnalyticsFact, writeAnalytics } from "../analytics/analytics-events";
import { type Chunk, chunkPage } from "./chunking";
import { claim, LeaseLost, prepare, release, whyNotClaimed } from "./document-lease";
import type { PublishDocumentEvent } from "./documents.events";
import { type DocumentJob, originalKey } from "./documents.jobs";
import { statusView } from "./documents.views";
import { openSource } from "./extract/open-source";
import { DocumentError, type DocumentSource, paragraphs, type TextBlock } from "./extract/types";
import { detectKind } from "./file-type";
import { type Batch, type PageChunks, PendingPages } from "./pending-pages";

export interface ProcessDeps {
  db: Database;
  storage: Storage;
  ocr: Ocr | null;
  embeddings: Embeddings | null;
  publish: PublishDocumentEvent;
  maxPages: number;
  /** STORAGE_PREFIX, to find the job's original before its row is read (see originalKey). */
  storagePrefix: string;
  /** Work on one message stops after this long and continues in a fresh message. */
  sliceMs: number;
}

export type JobOutcome =
  | { kind: "done"; status: "ready" | "needs_ocr" | "failed" }
  | { kind: "skipped"; reason: string }
  | { kind: "continue" }
  /** Textract is reading the document: look again in a fresh message after this delay. */
  | { kind: "poll"; delaySeconds: number }
  | { kind: "busy"; retryInSeconds: number }
  | { kind: "retry"; error: string };

type DocumentRow = typeof documents.$inferSelect;

const PROGRESS_EVERY_MS = 1_000;
// Extracted pages wait for the commit in flight unless this many chunks are waiting (backpressure).
const COMMIT_CHUNKS = 128;
// An asynchronous Textract job is checked after 5 s, 10 s, 20 s, 40 s, then every minute; a job
// still running after 40 checks (about 37 minutes) fails the document instead of polling forever.
const FIRST_POLL_SECONDS = 5;
const MAX_POLL_SECONDS = 60;
export const MAX_TEXTRACT_POLLS = 40;

/** Seconds to wait before checking a Textract job that has been checked `polls` times. */
export const pollDelaySeconds = (polls: number) =>
  Math.min(MAX_POLL_SECONDS, FIRST_POLL_SECONDS * 2 ** polls);

/**
 * Processes one queue message: claims the document for its generation under a lease, resumes after
 * the last committed page, and commits pages' chunks together with the progress counter. A
 * duplicate or stale message finds nothing to claim and does no work.
 */
/**
 * A failed attempt: a document that can never be processed (bad file, a refusal that will not change)
 * fails alone with its reason; anything else gives the lease back and is retried by the queue.
 */
async function settleFailure(
  deps: ProcessDeps,
  claimed: DocumentRow,
  lease: Lease,
  error: unknown,
): Promise<JobOutcome> {
  if (error instanceof LeaseLost) return { kind: "skipped", reason: "lease lost" };
  const permanent =
    error instanceof DocumentError ||
    ((error instanceof OcrError || error instanceof EmbeddingsError) && !error.retryable);
  const message = error instanceof Error ? error.message : String(error);
  if (permanent) {
    const failed = await release(deps.db, claimed, lease.token, { status: "failed", error: message });
    if (failed) await announce(deps, failed);
    return { kind: "done", status: "failed" };
  }
  const waiting = await release(deps.db, claimed, lease.token, {
    status: "queued",
    error: `Attempt ${claimed.attempts} failed: ${message}`,
  });
  if (waiting) await announce(deps, waiting);
  return { kind: "retry", error: message };
}

export async function runDocumentJob(deps: ProcessDeps, job: DocumentJob): Promise<JobOutcome> {
  const started = Date.now();
  const lease: Lease = { token: crypto.randomUUID(), seconds: Math.ceil(deps.sliceMs / 1000) * 3 + 60 };
  // The original is read and opened while the lease is taken: on a fresh consumer, connecting to
  // Postgres is the slowest step before extraction.
  const expected = originalKey(deps.storagePrefix, job.tenantId, job.documentId);
  const early = openOriginal(deps, expected);
  early.catch(() => {});
  const claimed = await claim(deps.db, job, lease.token, lease.seconds);
  if (!claimed) {
    void early.then(({ source }) => source.close()).catch(() => {});
    return whyNotClaimed(deps.db, job);
  }
  // The dashboard hears "processing" while the original is being read.
  const announced = announce(deps, claimed);

  let source: DocumentSource | undefined;
  try {
    [source] = await Promise.all([openClaimed(deps, claimed, expected, early), announced]);
    // A PDF in AWS S3 goes to Textract whole (asynchronously); elsewhere scanned pages go one by one.
    const location = source.singlePagePdf ? deps.storage.awsLocation?.(claimed.storageKey) : undefined;
    const documentOcr = deps.ocr && location ? wholeDocumentOcr(deps.ocr, location, job) : undefined;
    let state: ExtractionState = { ...claimed.state };
    const pending = new PendingPages(claimed.chunkCount, source.paged);
    let row = claimed;
    let inflight = pending.track(prepare(deps.db, claimed, lease.token, source.pagesTotal));
    let final: ReturnType<typeof outcome> | undefined;
    let lastProgress = Date.now();
    for (let page = claimed.pagesDone + 1; page <= source.pagesTotal; page++) {
      const extracted = await extractPage(deps, source, page, state, documentOcr);
      if ("waitSeconds" in extracted) {
        // Keep the pages before this one and the job's id; the next message carries on from here.
        row = await inflight;
        await announce(deps, await commit(deps, row, pending.take(page - 1, extracted.state), lease, {}));
        return { kind: "poll", delaySeconds: extracted.waitSeconds };
      }
      state = extracted.state;
      pending.add(extracted);
      // pdf.js hands pages over without returning to the event loop: let the commit's I/O proceed.
      if (pending.committing) await new Promise((resolve) => setTimeout(resolve, 0));
      const last = page === source.pagesTotal;
      const sliceOver = Date.now() - started >= deps.sliceMs;
      const due =
        !pending.committing || last || sliceOver || extracted.ocr || pending.chunks >= COMMIT_CHUNKS;
      if (!due) continue;
      row = await inflight;
      const handOver = !last && sliceOver;
      const batch = pending.take(page, state);
      // The last commit records the outcome and the hand-over gives the lease up, in the same update.
      if (last) final = outcome(state, pending.chunkCount);
      inflight = pending.track(commit(deps, row, batch, lease, final ?? (handOver ? {} : undefined)));
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        await announce(deps, row);
      }
      if (handOver) {
        await inflight;
        return { kind: "continue" };
      }
    }
    row = await inflight;
    if (!final) {
      // No page was left to extract (an empty document, or a run cut off before its last commit).
      final = outcome(row.state, row.chunkCount);
      const released = await release(deps.db, row, lease.token, final);
      if (!released) throw new LeaseLost();
      row = released;
    }
    await announce(deps, row);
    return { kind: "done", status: final.status };
  } catch (error) {
    return settleFailure(deps, claimed, lease, error);
  } finally {
    await source?.close().catch(() => {});
  }
}

/** Reads the original stored at `key` and opens it as `kind` (by default, the kind its bytes show). */
async function openOriginal(deps: ProcessDeps, key: string, kind?: DocumentRow["kind"]) {
  const bytes = await deps.storage.bytes(key);
  if (!bytes) throw new DocumentError("The original file is missing from storage");
  const opened = kind ?? detectKind(bytes);
  return { kind: opened, source: await openSource(opened, bytes, deps.maxPages) };
}

/**
 * The claimed document's original: the one opened early when the row names that object and kind;
 * otherwise (another prefix, or the early read failed) it is read again, so that any error comes
 * from the row's own key and kind.
 */
async function openClaimed(
  deps: ProcessDeps,
  claimed: DocumentRow,
  expected: string,
  early: ReturnType<typeof openOriginal>,
): Promise<DocumentSource> {
  const opened = await early.catch(() => undefined);
  if (opened && claimed.storageKey === expected && opened.kind === claimed.kind) return opened.source;
  await opened?.source.close().catch(() => {});
  return (await openOriginal(deps, claimed.storageKey, claimed.kind)).source;
}

async function extractPage(
  deps: ProcessDeps,
  source: DocumentSource,
  page: number,
  previous: ExtractionState,
  documentOcr: WholeDocumentOcr | undefined,
): Promise<PageChunks | { waitSeconds: number; state: ExtractionState }> {
  const state: ExtractionState = { ...previous };
  const content = await source.page(page);
  let blocks: TextBlock[] = content.blocks;
  let ocr = false;
  if (content.needsOcr) {
    if (documentOcr) {
      const text = await documentOcr.pageText(page, state);
      if (typeof text !== "string") return { waitSeconds: text.waitSeconds, state };
      blocks = paragraphs(text);
      state.ocrPages = [...(state.ocrPages ?? []), page];
    } else if (deps.ocr && source.singlePagePdf) {
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

type WholeDocumentOcr = ReturnType<typeof wholeDocumentOcr>;

/**
 * Textract's asynchronous API for a document in AWS S3: started once for the whole file when the
 * first page without a text layer is reached, its id kept in the processing state, and checked again
 * by a delayed queue message rather than by waiting here. The result is read once per message.
 */
function wholeDocumentOcr(ocr: Ocr, location: S3Location, job: DocumentJob) {
  let pages: Map<number, string> | undefined;
  return {
    /** The page's text, or how long to wait before asking again (the job is recorded in `state`). */
    async pageText(page: number, state: ExtractionState): Promise<string | { waitSeconds: number }> {
      if (!pages) {
        if (!state.textract) {
          // One token per generation: a redelivered message gets the job already started, not a new one.
          const started = await ocr.startDocument(location, `${job.documentId}-${job.generation}`);
          state.textract = { ...started, polls: 0 };
          return { waitSeconds: pollDelaySeconds(0) };
        }
        const result = await ocr.documentResult(state.textract);
        if (result.status === "running") {
          const polls = state.textract.polls + 1;
          if (polls >= MAX_TEXTRACT_POLLS) {
            const minutes = Math.round(
              Array.from({ length: polls }, (_, n) => pollDelaySeconds(n)).reduce((a, b) => a + b, 0) / 60,
            );
            throw new OcrError(
              `Textract job ${state.textract.jobId} was still running after ${polls} checks over about ${minutes} minutes; process the document again to retry`,
              false,
            );
          }
          state.textract = { ...state.textract, polls };
          return { waitSeconds: pollDelaySeconds(polls) };
        }
        pages = result.pages;
      }
      return pages.get(page) ?? "";
    },
  };
}

interface Lease {
  token: string;
  seconds: number;
}

type Release = Partial<Pick<DocumentRow, "status" | "error" | "processedAt">>;

/**
 * Writes the chunks of the pages extracted since the last commit and moves the progress counter, in
 * one transaction that only succeeds while we hold the lease. Pages are grouped because a round trip
 * per page would cost more than extracting the page. With `release`, the lease is given up in the
 * same update, along with those changes.
 */
async function commit(
  deps: ProcessDeps,
  row: DocumentRow,
  { ordinalBase, pages, lastPage, state, paged }: Batch,
  { token, seconds }: Lease,
  release?: Release,
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
      // One JSON parameter, not nine per chunk: less encoding on the Worker's thread, which is
      // extracting the next pages meanwhile.
      const rows = chunks.map(({ page, chunk }, index) => ({
        id: uuidv7(),
        ordinal: ordinalBase + index,
        page: paged ? page : null,
        heading: chunk.heading,
        content: chunk.content,
        embedding: vectors?.[index] ?? null,
      }));
      await tx.execute(sql`
        insert into document_chunks
          (id, tenant_id, document_id, collection_id, generation, ordinal, page, heading, content, embedding)
        select x.id, ${row.tenantId}, ${row.id}, ${row.collectionId}, ${row.generation},
          x.ordinal, x.page, x.heading, x.content, x.embedding
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(id uuid, ordinal integer, page integer, heading text, content text, embedding real[])`);
    }
    const [updated] = await tx
      .update(documents)
      .set({
        pagesDone: lastPage,
        chunkCount: ordinalBase + chunks.length,
        state,
        ...(release
          ? { ...release, leaseToken: null, leaseUntil: null }
          : { leaseUntil: sql`now() + make_interval(secs => ${seconds})` }),
      })
      .where(and(eq(documents.id, row.id), eq(documents.leaseToken, token)))
      .returning();
    // Throwing rolls the pages back: whoever holds the lease now redoes them.
    if (!updated) throw new LeaseLost();
    // Ready, in the same transaction: one event per generation, however often a batch is retried.
    if (release?.status === "ready") await writeAnalytics(tx, row.tenantId, [documentReady(updated)]);
    return updated;
  });
}

const documentReady = (doc: DocumentRow): AnalyticsFact => ({
  key: `document_ready:${doc.id}:${doc.generation}`,
  name: "document_ready",
  actor: "system",
  at: Date.now(),
  dims: { documentId: doc.id, generation: doc.generation, chunks: doc.chunkCount, pages: doc.pagesDone },
});

const embeddingText = (chunk: Chunk) =>
  chunk.heading ? `${chunk.heading}\n${chunk.content}` : chunk.content;

/** What an extracted document becomes: ready, needs_ocr (scanned pages left) or failed (no text). */
function outcome(state: ExtractionState, chunkCount: number) {
  const pending = state.ocrPending ?? [];
  const status = pending.length > 0 ? "needs_ocr" : chunkCount > 0 ? "ready" : "failed";
  const error =
    status === "needs_ocr"
      ? `Page(s) ${pending.join(", ")} have no text layer (scanned images) and no OCR provider is configured; set OCR_PROVIDER=textract to read them, then re-process`
      : status === "failed"
        ? "No text found in the document"
        : null;
  return { status, error, processedAt: new Date() } as const;
}

async function announce(deps: ProcessDeps, row: DocumentRow) {
  await deps.publish(row.tenantId, {
    type: "document.updated",
    document: { ...statusView(row), title: row.title },
  });
}
