import type { documents, ExtractionState } from "../../db/schema";
import type { Chunk } from "./chunking";

type DocumentRow = typeof documents.$inferSelect;

/** One extracted page's chunks and the extraction state after it. */
export interface PageChunks {
  page: number;
  chunks: Chunk[];
  state: ExtractionState;
  /** The page went through (paid, slow) OCR: commit it at once so a crash does not repeat that. */
  ocr: boolean;
}

/** The pages one commit writes. */
export interface Batch {
  /** Ordinal of the first chunk (the chunks committed so far). */
  ordinalBase: number;
  pages: PageChunks[];
  /** Pages done once this batch is in. */
  lastPage: number;
  state: ExtractionState;
  /** Whether chunks keep page numbers (PDF) or the document has none (text, DOCX). */
  paged: boolean;
}

/**
 * Pages extracted and not yet committed, and the one commit in flight. Database work runs while the
 * next pages are extracted (Postgres indexes while the Worker parses): a commit starts as soon as the
 * previous one has finished, so batches follow the database's pace and the last commit, which nothing
 * overlaps, stays small.
 */
export class PendingPages {
  private pages: PageChunks[] = [];
  /** Chunks of the pending pages. */
  chunks = 0;
  /** Whether a commit is in flight. */
  committing = false;

  constructor(
    /** Chunks committed so far (the next batch's first ordinal). */
    public chunkCount: number,
    private readonly paged: boolean,
  ) {}

  add(page: PageChunks): void {
    this.pages.push(page);
    this.chunks += page.chunks.length;
  }

  /** The pages since the last commit, as the next batch; they are no longer pending. */
  take(lastPage: number, state: ExtractionState): Batch {
    const batch = { ordinalBase: this.chunkCount, pages: this.pages, lastPage, state, paged: this.paged };
    this.chunkCount += this.chunks;
    this.pages = [];
    this.chunks = 0;
    return batch;
  }

  /** Marks `work` as the commit in flight (awaited later; until then a failure is not unhandled). */
  track(work: Promise<DocumentRow>): Promise<DocumentRow> {
    this.committing = true;
    work.then(
      () => {
        this.committing = false;
      },
      () => {},
    );
    return work;
  }
}
