import type { Block } from "@aws-sdk/client-textract";
import { type Ocr, OcrError } from "../../providers/ocr";
import type { S3Location } from "../../providers/storage";
import { MAX_TEXTRACT_POLLS, pollDelaySeconds } from "../documents/processing";
import { queriesConfig, queryAnswers, type TextPage, textractPages } from "./extract";
import { type ScannedReading, scannedPageNumbers } from "./ocr-pages";
import type { TextractPoll } from "./policies.jobs";

/** Textract is still reading: check again in a fresh queue message after `delaySeconds`. */
export interface PendingScan {
  poll: TextractPoll;
  delaySeconds: number;
}

/**
 * Reads the scanned pages of a PDF kept in AWS S3 with one asynchronous Textract job
 * (StartDocumentAnalysis with QUERIES on every page, then GetDocumentAnalysis until it is done),
 * never waiting for it here: the first call starts the job, later calls (from delayed queue messages)
 * check it. `requestToken` makes a redelivered message find the job already started. A failed job
 * throws a non-retryable OcrError.
 */
export async function readScannedDocument(
  ocr: Ocr,
  location: S3Location,
  requestToken: string,
  pages: TextPage[],
  poll: TextractPoll | undefined,
): Promise<ScannedReading | PendingScan> {
  if (!poll) {
    const job = await ocr.startDocument(location, requestToken, queriesConfig().Queries);
    return { poll: { ...job, polls: 0 }, delaySeconds: pollDelaySeconds(0) };
  }
  const result = await ocr.documentBlocks(poll);
  if (result.status === "running") {
    const polls = poll.polls + 1;
    if (polls >= MAX_TEXTRACT_POLLS) {
      throw new OcrError(
        `Textract job ${poll.jobId} was still running after ${polls} checks; process the upload again to retry`,
        false,
      );
    }
    return { poll: { ...poll, polls }, delaySeconds: pollDelaySeconds(polls) };
  }
  return readingOf(pages, result.blocks);
}

/** The scanned pages replaced by what Textract read on them; the text layer's pages stay as they are. */
function readingOf(pages: TextPage[], blocks: Block[]): ScannedReading {
  const scanned = new Set(scannedPageNumbers(pages));
  const onScans = blocks.filter((block) => scanned.has(block.Page ?? 1));
  const read = new Map(textractPages(onScans).map((page) => [page.page, page]));
  const answers = queryAnswers(onScans);
  const reading: ScannedReading = { pages: [], answers, ocrPages: new Set(), unread: [] };
  for (const page of pages) {
    const ocrPage = scanned.has(page.page) ? read.get(page.page) : undefined;
    reading.pages.push(ocrPage ?? page);
    if (!scanned.has(page.page)) continue;
    // Nothing legible on the page: it stays for a human, like a scan no OCR saw.
    if (ocrPage || answers.some((answer) => answer.page === page.page)) reading.ocrPages.add(page.page);
    else reading.unread.push(page.page);
  }
  return reading;
}
