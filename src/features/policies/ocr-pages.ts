import type { Ocr } from "../../providers/ocr";
import { OcrError } from "../../providers/ocr";
import { type QueryAnswer, queriesConfig, queryAnswers, type TextPage, textractPages } from "./extract";

export interface ScannedReading {
  /** The document's pages, each scan replaced by its OCR reading. */
  pages: TextPage[];
  /** Textract's answers to the policy queries, on the document's page numbers. */
  answers: QueryAnswer[];
  /** Pages read by OCR. */
  ocrPages: Set<number>;
  /** Scans Textract refused (the document itself was the problem) or found nothing legible on. */
  unread: number[];
}

/** Pages without a text layer (scans). */
export const scannedPageNumbers = (pages: TextPage[]) =>
  pages.filter((page) => page.items.every((item) => !item.str.trim())).map((page) => page.page);

/** Reads each scanned page with Textract (AnalyzeDocument with the policy QUERIES, one page at a
 * time: the synchronous API takes single pages). A page Textract refuses is left unread; a passing
 * failure (throttling, an outage) throws, so the job is retried. */
export async function readScannedPages(
  ocr: Ocr,
  pdf: Uint8Array,
  pages: TextPage[],
): Promise<ScannedReading> {
  const scanned = scannedPageNumbers(pages);
  const reading: ScannedReading = { pages: [...pages], answers: [], ocrPages: new Set(), unread: [] };
  if (scanned.length === 0) return reading;
  const { PDFDocument } = await import("pdf-lib");
  const source = await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true });
  const { Queries } = queriesConfig();
  for (const number of scanned) {
    const single = await PDFDocument.create();
    const [copied] = await single.copyPages(source, [number - 1]);
    if (copied) single.addPage(copied);
    let blocks: Awaited<ReturnType<Ocr["analyzePage"]>>;
    try {
      blocks = await ocr.analyzePage(await single.save(), Queries);
    } catch (error) {
      if (error instanceof OcrError && !error.retryable) {
        reading.unread.push(number);
        continue;
      }
      throw error;
    }
    // A single-page call numbers its page 1: put the document's page number back.
    const numbered = blocks.map((block) => ({ ...block, Page: number }));
    const [read] = textractPages(numbered);
    const answers = queryAnswers(numbered);
    // Nothing legible on the page: it stays for a human, like a scan no OCR saw.
    if (!read && answers.length === 0) {
      reading.unread.push(number);
      continue;
    }
    const index = reading.pages.findIndex((page) => page.page === number);
    if (read && index >= 0) reading.pages[index] = read;
    reading.answers.push(...answers);
    reading.ocrPages.add(number);
  }
  return reading;
}
