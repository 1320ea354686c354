/** One unit of text as the chunker sees it. */
export interface TextBlock {
  kind: "heading" | "paragraph";
  text: string;
}

export interface PageContent {
  blocks: TextBlock[];
  /** The page shows something (an image) but has no text layer: only OCR can read it. */
  needsOcr: boolean;
}

/** An opened document, read one page at a time so progress can be recorded and resumed. */
export interface DocumentSource {
  pagesTotal: number;
  /** False for formats without real pages (text, CSV, a DOCX without page breaks): citations carry no page. */
  paged: boolean;
  page(pageNumber: number): Promise<PageContent>;
  /** A single-page PDF of `pageNumber`, for OCR (PDF sources only). */
  singlePagePdf?(pageNumber: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The document itself is unreadable (corrupt, encrypted, too large): retrying cannot help. */
export class DocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocumentError";
  }
}

/** Splits plain text into paragraphs at blank lines, collapsing runs of spaces. */
export function paragraphs(text: string): TextBlock[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((part) =>
      part
        .split("\n")
        .map((line) => line.replace(/[ \t\f\v]+/g, " ").trim())
        .filter(Boolean)
        .join("\n"),
    )
    .filter(Boolean)
    .map((part) => ({ kind: "paragraph" as const, text: part }));
}

/** A source over pages that are already extracted (formats read in one go). */
export function staticSource(pages: TextBlock[][], paged: boolean): DocumentSource {
  return {
    pagesTotal: pages.length,
    paged,
    page: async (pageNumber) => ({ blocks: pages[pageNumber - 1] ?? [], needsOcr: false }),
    close: async () => {},
  };
}
