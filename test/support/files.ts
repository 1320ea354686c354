// Real files generated at test time: PDFs with pdf-lib, DOCX zipped with fflate, PNG scans.
import { strToU8, zipSync, zlibSync } from "fflate";
import { PDFDocument, type PDFFont, StandardFonts } from "pdf-lib";

export interface PdfPage {
  heading?: string;
  paragraphs: string[];
}

const PAGE = { width: 595, height: 842, margin: 56 };

/** A PDF with a real text layer: a bold heading and wrapped paragraphs per page. */
export async function textPdf(pages: PdfPage[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (const spec of pages) {
    const page = pdf.addPage([PAGE.width, PAGE.height]);
    let y = PAGE.height - PAGE.margin;
    if (spec.heading) {
      page.drawText(spec.heading, { x: PAGE.margin, y, size: 18, font: bold });
      y -= 34;
    }
    for (const paragraph of spec.paragraphs) {
      for (const line of wrap(paragraph, regular, 11, PAGE.width - 2 * PAGE.margin)) {
        if (y < PAGE.margin) break;
        page.drawText(line, { x: PAGE.margin, y, size: 11, font: regular });
        y -= 15;
      }
      y -= 12;
    }
  }
  return pdf.save();
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/** Page specs for scanned pages: each page is only an image (no text layer) naming a Textract fixture. */
export interface ScanPage {
  fixture: string;
  tag: string;
}

/** A PDF whose pages are images only; text pages may be mixed in (`string[]` entries are text pages). */
export async function scannedPdf(pages: Array<ScanPage | PdfPage>): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const spec of pages) {
    const page = pdf.addPage([PAGE.width, PAGE.height]);
    if ("fixture" in spec) {
      const image = await pdf.embedPng(markedPng(`fixture:${spec.fixture}:${spec.tag}`));
      page.drawImage(image, { x: 40, y: 200, width: PAGE.width - 80, height: 500 });
    } else {
      let y = PAGE.height - PAGE.margin;
      for (const text of [spec.heading ?? "", ...spec.paragraphs].filter(Boolean)) {
        page.drawText(text, { x: PAGE.margin, y, size: 11, font });
        y -= 20;
      }
    }
  }
  return pdf.save();
}

/** A grayscale PNG whose first pixel row spells `marker` (the fake Textract's stand-in for reading). */
export function markedPng(marker: string, width = 256, height = 64): Uint8Array {
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const value = y === 0 ? marker.charCodeAt(x) || 0 : (x * 7 + y * 13) % 256;
      raw[y * (width + 1) + 1 + x] = value;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale, deflate, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlibSync(raw)),
    pngChunk("IEND", new Uint8Array()),
  ]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(strToU8(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Starts like a PDF, is not one. */
export function corruptPdf(): Uint8Array {
  const junk = crypto.getRandomValues(new Uint8Array(4096)).map((b) => (b === 0 ? 1 : b));
  return concat([strToU8("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R"), junk]);
}

/** A real PDF made password-protected (Standard security handler) so nothing can be read without it. */
export async function encryptedPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText("Top secret merger terms", { x: 50, y: 700, size: 14 });
  const text = new TextDecoder("latin1").decode(await pdf.save({ useObjectStreams: false }));
  const hex = (n: number) =>
    [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const encrypt = `/Encrypt << /Filter /Standard /V 1 /R 2 /O <${hex(32)}> /U <${hex(32)}> /P -44 >>\n/ID [<${hex(16)}> <${hex(16)}>]\n`;
  const patched = text.replace(/trailer\s*<<\s*/, (match) => `${match}${encrypt}`);
  return Uint8Array.from(patched, (char) => char.charCodeAt(0));
}

export interface DocxParagraph {
  text: string;
  style?: "Title" | "Heading1" | "Heading2";
  pageBreakBefore?: boolean;
}

/** A minimal valid Word document: styled paragraphs, explicit page breaks and an optional table. */
export function docx(paragraphs: DocxParagraph[], table?: string[][]): Uint8Array {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const body = paragraphs
    .map((p) => {
      const breakRun = p.pageBreakBefore ? '<w:r><w:br w:type="page"/></w:r>' : "";
      const style = p.style ? `<w:pPr><w:pStyle w:val="${p.style}"/></w:pPr>` : "";
      return `<w:p>${style}${breakRun}<w:r><w:t xml:space="preserve">${esc(p.text)}</w:t></w:r></w:p>`;
    })
    .join("");
  const tableXml = table
    ? `<w:tbl>${table.map((row) => `<w:tr>${row.map((cell) => `<w:tc><w:p><w:r><w:t>${esc(cell)}</w:t></w:r></w:p></w:tc>`).join("")}</w:tr>`).join("")}</w:tbl>`
    : "";
  const ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  return zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    "_rels/.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    "word/document.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${ns}><w:body>${body}${tableXml}<w:sectPr/></w:body></w:document>`,
    ),
  });
}

/** A PNG (any bytes with the PNG signature), e.g. to send under a lying `.pdf` name. */
export const pngBytes = () => markedPng("just a picture", 16, 16);
