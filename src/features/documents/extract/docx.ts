import { strFromU8, unzipSync } from "fflate";
import { decodeEntities } from "./text";
import { DocumentError, type DocumentSource, staticSource, type TextBlock } from "./types";

// A zip bomb guard: word/document.xml of a 25 MiB upload has no business inflating past this.
const MAX_XML_BYTES = 64 * 1024 * 1024;

/** A Word document: paragraphs, headings (Heading and Title styles), tables; explicit page breaks start pages. */
export function docxSource(bytes: Uint8Array): DocumentSource {
  let xml: string;
  try {
    const files = unzipSync(bytes, {
      filter: (file) => file.name === "word/document.xml" && file.originalSize <= MAX_XML_BYTES,
    });
    const document = files["word/document.xml"];
    if (!document) throw new DocumentError("The Word document has no readable word/document.xml");
    xml = strFromU8(document);
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw new DocumentError(
      `The Word document is corrupt: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const pages = docxPages(xml);
  return staticSource(pages, pages.length > 1);
}

/** Splits document.xml into pages of blocks. Exported for tests. */
export function docxPages(xml: string): TextBlock[][] {
  const body = /<w:body[^>]*>([\s\S]*)<\/w:body>/.exec(xml)?.[1] ?? "";
  const pages: TextBlock[][] = [[]];
  const current = () => pages[pages.length - 1] as TextBlock[];
  // Top-level tables and paragraphs, in document order.
  for (const match of body.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>|<w:p[ >][\s\S]*?<\/w:p>|<w:p\/>/g)) {
    const element = match[0];
    if (element.startsWith("<w:tbl>")) {
      const rows = [...element.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) =>
        [...row[0].matchAll(/<w:tc[ >][\s\S]*?<\/w:tc>/g)].map((cell) => runText(cell[0]).trim()).join(" | "),
      );
      const text = rows.filter((row) => row.replace(/[\s|]/g, "") !== "").join("\n");
      if (text) current().push({ kind: "paragraph", text });
      continue;
    }
    const segments = element.split(/<w:br [^>]*w:type="page"[^>]*\/>/);
    segments.forEach((segment, index) => {
      if (index > 0) pages.push([]);
      const text = runText(segment).trim();
      if (!text) return;
      const style = /<w:pStyle w:val="([^"]+)"/.exec(element)?.[1] ?? "";
      const heading = /^(heading\d*|title|subtitle)$/i.test(style) || /<w:outlineLvl /.test(element);
      current().push({ kind: heading ? "heading" : "paragraph", text });
    });
    if (/<w:pageBreakBefore\/>/.test(element) && current().length > 0 && pages.length > 0) {
      // Rare enough to keep simple: a paragraph that starts a page is moved onto a new one.
      const moved = current().pop();
      if (moved) pages.push([moved]);
    }
  }
  while (pages.length > 1 && pages[pages.length - 1]?.length === 0) pages.pop();
  return pages;
}

function runText(xml: string): string {
  let text = "";
  for (const match of xml.matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:br\/>|<w:cr\/>/g)) {
    if (match[1] !== undefined) text += decodeEntities(match[1]);
    else text += match[0] === "<w:tab/>" ? "\t" : "\n";
  }
  return text;
}
