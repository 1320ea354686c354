import type { TextItem, TextPage } from "./types";

interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/** A PDF's text layer as positioned items per page, via unpdf (pdf.js), as the extractor reads it.
 * Throws what pdf.js throws for a corrupt or encrypted file; a scanned page comes back with no items. */
export async function pdfPages(bytes: Uint8Array): Promise<TextPage[]> {
  // Loaded on first use: pdf.js is large.
  const { getDocumentProxy } = await import("unpdf");
  const pdf = await getDocumentProxy(bytes.slice(), { stopAtErrors: false });
  try {
    const pages: TextPage[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      try {
        const { width, height } = page.getViewport({ scale: 1 });
        const content = await page.getTextContent();
        const items = content.items.flatMap((item) => ("str" in item ? [toItem(item, height)] : []));
        pages.push({ page: number, width, height, items });
      } finally {
        page.cleanup();
      }
    }
    return pages;
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/** pdf.js places an item by its baseline in bottom-up page space; the extractor wants its top, top-down. */
export function toItem(item: PdfTextItem, pageHeight: number): TextItem {
  const size = Math.abs(item.transform[3] ?? 0) || item.height;
  const baseline = item.transform[5] ?? 0;
  return {
    str: item.str,
    x: item.transform[4] ?? 0,
    y: pageHeight - baseline - size,
    width: item.width,
    height: size,
  };
}
