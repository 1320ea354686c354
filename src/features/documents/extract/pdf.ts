import type { PDFDocument } from "pdf-lib";
import { DocumentError, type DocumentSource, type PageContent, type TextBlock } from "./types";

interface Line {
  text: string;
  y: number;
  size: number;
}

interface TextItemLike {
  str: string;
  transform: number[];
  height: number;
  hasEOL: boolean;
}

/** Opens a PDF with unpdf (pdf.js); pages are read one at a time. */
export async function pdfSource(bytes: Uint8Array, maxPages: number): Promise<DocumentSource> {
  // Loaded on first use: pdf.js is large, and most isolates (API requests) never need it.
  const { getDocumentProxy, getResolvedPDFJS } = await import("unpdf");
  const pdfjs = await getResolvedPDFJS();
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of the buffer it is given; keep ours for page splitting (OCR).
    pdf = await getDocumentProxy(bytes.slice(), { stopAtErrors: false });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "PasswordException") throw new DocumentError("The PDF is encrypted (password protected)");
    throw new DocumentError(
      `The PDF is corrupt or not a PDF: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (pdf.numPages > maxPages) {
    await pdf.loadingTask.destroy();
    throw new DocumentError(`The PDF has ${pdf.numPages} pages; the limit is ${maxPages}`);
  }
  const imageOps = new Set<number>([
    pdfjs.OPS.paintImageXObject,
    pdfjs.OPS.paintInlineImageXObject,
    pdfjs.OPS.paintImageMaskXObject,
    pdfjs.OPS.paintImageXObjectRepeat,
    pdfjs.OPS.paintInlineImageXObjectGroup,
  ]);
  let splitter: Promise<PDFDocument> | undefined;

  return {
    pagesTotal: pdf.numPages,
    paged: true,
    async page(pageNumber): Promise<PageContent> {
      const page = await pdf.getPage(pageNumber);
      try {
        const content = await page.getTextContent();
        const blocks = pageBlocks(content.items.flatMap((item) => ("str" in item ? [item] : [])));
        if (blocks.length > 0) return { blocks, needsOcr: false };
        const operators = await page.getOperatorList();
        return { blocks, needsOcr: operators.fnArray.some((op) => imageOps.has(op)) };
      } finally {
        page.cleanup();
      }
    },
    async singlePagePdf(pageNumber) {
      const { PDFDocument } = await import("pdf-lib");
      splitter ??= PDFDocument.load(bytes, { updateMetadata: false });
      const source = await splitter;
      const single = await PDFDocument.create();
      const [copied] = await single.copyPages(source, [pageNumber - 1]);
      if (copied) single.addPage(copied);
      return single.save();
    },
    close: () => pdf.loadingTask.destroy(),
  };
}

/** Rebuilds lines, paragraphs and headings from positioned text items. */
export function pageBlocks(items: TextItemLike[]): TextBlock[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    const size = Math.abs(item.transform[3] ?? item.height) || item.height;
    if (current && Math.abs(current.y - y) > Math.max(current.size, size) * 0.5) {
      lines.push(current);
      current = undefined;
    }
    current ??= { text: "", y, size: 0 };
    current.text += item.str;
    current.size = Math.max(current.size, item.str.trim() ? size : 0);
    if (item.hasEOL) {
      lines.push(current);
      current = undefined;
    }
  }
  if (current) lines.push(current);
  const textLines = lines
    .map((line) => ({ ...line, text: line.text.replace(/\s+/g, " ").trim() }))
    .filter((line) => line.text);
  if (textLines.length === 0) return [];

  const bodySize = dominantSize(textLines);
  const blocks: TextBlock[] = [];
  let paragraph: string[] = [];
  let previous: Line | undefined;
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: "paragraph", text: paragraph.join(" ") });
    paragraph = [];
  };
  for (const line of textLines) {
    const heading = line.size > bodySize * 1.15 && line.text.length <= 120;
    const gap = previous ? Math.abs(previous.y - line.y) : 0;
    if (heading) {
      flush();
      blocks.push({ kind: "heading", text: line.text });
    } else {
      if (previous && gap > Math.max(previous.size, line.size) * 1.6) flush();
      paragraph.push(line.text);
    }
    previous = line;
  }
  flush();
  return blocks;
}

/** The font size that carries the most characters: the body text. */
function dominantSize(lines: Line[]): number {
  const weight = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 10) / 10;
    weight.set(size, (weight.get(size) ?? 0) + line.text.length);
  }
  return [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}
