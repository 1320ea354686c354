import { decodeText, splitCsvLine } from "../file-type";
import { DocumentError, type DocumentSource, paragraphs, staticSource, type TextBlock } from "./types";

// CSV rows per paragraph: small enough that a row stays findable, large enough to keep context.
const CSV_ROWS_PER_BLOCK = 10;

/** Plain text, Markdown, HTML or CSV as one page without a page number. */
export function textSource(kind: "txt" | "md" | "html" | "csv", bytes: Uint8Array): DocumentSource {
  const text = decodeText(bytes);
  if (text === null) throw new DocumentError("The file is not valid UTF-8 text");
  const body = text.replace(/^\uFEFF/, "");
  const blocks =
    kind === "md"
      ? markdownBlocks(body)
      : kind === "html"
        ? htmlBlocks(body)
        : kind === "csv"
          ? csvBlocks(body)
          : paragraphs(body);
  return staticSource([blocks], false);
}

/** Markdown: ATX headings become headings; the rest stays as written (it reads fine as text). */
export function markdownBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let buffer: string[] = [];
  const flush = () => {
    blocks.push(...paragraphs(buffer.join("\n")));
    buffer = [];
  };
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) {
      flush();
      blocks.push({ kind: "heading", text: heading[1] });
    } else buffer.push(line);
  }
  flush();
  return blocks;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Decodes the XML/HTML character references that matter for text. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => {
    if (entity[0] === "#") {
      const code =
        entity[1]?.toLowerCase() === "x" ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : match;
    }
    return ENTITIES[entity.toLowerCase()] ?? match;
  });
}

/** HTML to text: scripts and styles dropped, h1–h6 kept as headings, block elements as paragraphs. */
export function htmlBlocks(html: string): TextBlock[] {
  const marked = html
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(script|style|noscript|template|svg)[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]\s*>/gi, (_, inner: string) => `\n\n\uE000${inner}\uE001\n\n`)
    .replace(/<(br|hr)\b[^>]*>/gi, "\n")
    .replace(
      /<\/?(p|div|section|article|header|footer|li|ul|ol|tr|table|blockquote|pre|main|nav|dd|dt)\b[^>]*>/gi,
      "\n\n",
    )
    .replace(/<\/t[dh]\s*>/gi, " | ")
    .replace(/<[^>]+>/g, "");
  const blocks: TextBlock[] = [];
  for (const part of decodeEntities(marked).split(/(\uE000[\s\S]*?\uE001)/)) {
    if (part.startsWith("\uE000")) {
      const text = part.slice(1, -1).replace(/\s+/g, " ").trim();
      if (text) blocks.push({ kind: "heading", text });
    } else {
      blocks.push(...paragraphs(part.replace(/\s*\|\s*$/gm, "")));
    }
  }
  return blocks;
}

/** CSV: every row as `Header: value` pairs, so a passage says what each number is. */
export function csvBlocks(text: string): TextBlock[] {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .filter((line) => line.trim() !== "");
  const headerLine = lines[0];
  if (!headerLine) return [];
  const delimiter = [",", ";", "\t"].reduce((best, candidate) =>
    splitCsvLine(headerLine, candidate).length > splitCsvLine(headerLine, best).length ? candidate : best,
  );
  const header = splitCsvLine(headerLine, delimiter).map((cell) => cell.trim());
  const rows = lines.slice(1).map((line) =>
    splitCsvLine(line, delimiter)
      .map((cell, index) => `${header[index] || `Column ${index + 1}`}: ${cell.trim()}`)
      .join("; "),
  );
  const blocks: TextBlock[] = [];
  for (let start = 0; start < rows.length; start += CSV_ROWS_PER_BLOCK) {
    blocks.push({ kind: "paragraph", text: rows.slice(start, start + CSV_ROWS_PER_BLOCK).join("\n") });
  }
  return blocks;
}
