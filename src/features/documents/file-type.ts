import { unzipSync } from "fflate";
import type { DocumentKind } from "../../db/schema";
import { AppError } from "../../lib/errors";

export const contentTypes: Record<DocumentKind, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  txt: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

const SUPPORTED = "PDF, DOCX, plain text, Markdown, HTML or CSV";

// Signatures of common binary formats, to name what was sent when we refuse it.
const BINARY_SIGNATURES: Array<[string, number[]]> = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/gif", [0x47, 0x49, 0x46, 0x38]],
  ["application/gzip", [0x1f, 0x8b]],
  ["application/x-msdownload", [0x4d, 0x5a]],
  ["application/x-ole-storage (legacy .doc/.xls)", [0xd0, 0xcf, 0x11, 0xe0]],
];

const startsWith = (bytes: Uint8Array, signature: number[]) =>
  signature.every((byte, index) => bytes[index] === byte);

// What a chat attachment may be: images a browser shows, and PDFs.
const ATTACHMENT_SIGNATURES: Array<[string, number[]]> = [
  ["application/pdf", [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/gif", [0x47, 0x49, 0x46, 0x38]],
];
const isWebp = (bytes: Uint8Array) =>
  startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes.subarray(8), [0x57, 0x45, 0x42, 0x50]);

/** A chat attachment's type from its bytes (PDF, PNG, JPEG, GIF, WebP); 415 for anything else. */
export function detectAttachmentType(bytes: Uint8Array): string {
  if (isWebp(bytes)) return "image/webp";
  const found = ATTACHMENT_SIGNATURES.find(([, signature]) => startsWith(bytes, signature));
  if (found) return found[0];
  const binary = BINARY_SIGNATURES.find(([, signature]) => startsWith(bytes, signature));
  throw new AppError(
    "unsupported_media_type",
    `Unsupported attachment: send an image (PNG, JPEG, GIF, WebP) or a PDF`,
    {
      detected: binary?.[0] ?? (decodeText(bytes) === null ? "binary data" : "text"),
      supported: [...ATTACHMENT_SIGNATURES.map(([type]) => type), "image/webp"],
    },
  );
}

/** Decides a document's kind from its bytes; the file name never decides. Throws 415 otherwise. */
export function detectKind(bytes: Uint8Array): DocumentKind {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    if (isDocx(bytes)) return "docx";
    throw unsupported("a ZIP archive that is not a Word document");
  }
  const binary = BINARY_SIGNATURES.find(([, signature]) => startsWith(bytes, signature));
  if (binary) throw unsupported(binary[0]);
  const text = decodeText(bytes);
  if (text === null) throw unsupported("binary data");
  return textKind(text);
}

function unsupported(what: string): AppError {
  return new AppError("unsupported_media_type", `Unsupported file: detected ${what}; send ${SUPPORTED}`, {
    detected: what,
    supported: Object.keys(contentTypes),
  });
}

function isDocx(bytes: Uint8Array): boolean {
  try {
    // Only the entry names are needed: the filter skips inflating anything.
    const names: string[] = [];
    unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return false;
      },
    });
    return names.includes("word/document.xml");
  } catch {
    return false;
  }
}

/** UTF-8 text without NUL bytes, or null for binary data. */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

function textKind(text: string): DocumentKind {
  const head = text.slice(0, 4096);
  if (/^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(head)) return "html";
  if (/<(p|div|h[1-6]|table|ul|ol|br|span|a)(\s[^>]*)?>[\s\S]*<\/\1>/i.test(head) && /^\s*</.test(head))
    return "html";
  if (looksLikeCsv(head)) return "csv";
  if (/^#{1,6}\s+\S/m.test(head) || /^\s*[-*]\s+\S/m.test(head) || /\[[^\]]+\]\([^)]+\)/.test(head))
    return "md";
  return "txt";
}

function looksLikeCsv(head: string): boolean {
  const lines = head.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length < 2) return false;
  const sample = lines.slice(0, Math.min(lines.length - 1, 10));
  return [",", ";", "\t"].some((delimiter) => {
    const counts = sample.map((line) => splitCsvLine(line, delimiter).length);
    return (counts[0] ?? 0) >= 2 && counts.every((count) => count === counts[0]);
  });
}

/** Splits one CSV line, honouring double quotes. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}
