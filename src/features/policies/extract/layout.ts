import type { FieldSource, TextItem, TextPage } from "./types";

/** A run of text that reads as one unit: items on one line with no wide gap between them. */
export interface Cell {
  id: number;
  text: string;
  page: number;
  /** Index of the cell's line on its page. */
  line: number;
  x0: number;
  x1: number;
  top: number;
  height: number;
  /** Offsets in `text` where a new item began: a label that ends at one needs no separator. */
  breaks: number[];
  /** The lowest OCR confidence of its items (1 for a text layer). */
  confidence: number;
}

export interface Layout {
  source: FieldSource;
  cells: Cell[];
  /** Cells of each line, left to right, per page: lines[page index][line index]. */
  lines: Cell[][][];
}

/** Groups positioned items into lines, and each line into cells split at wide gaps (columns). */
export function buildLayout(pages: TextPage[], source: FieldSource): Layout {
  const cells: Cell[] = [];
  const lines = pages.map((page) => {
    const pageLines = groupLines(page.items.filter((item) => item.str.trim()));
    return pageLines.map((items, lineIndex) => {
      const lineCells: Cell[] = [];
      for (const item of items) {
        const last = lineCells.at(-1);
        const gap = last ? item.x - last.x1 : Number.POSITIVE_INFINITY;
        // A column gap is wider than a couple of spaces at this size; pdf.js splits words at spaces too.
        if (last && gap <= Math.max(item.height, last.height) * 1.2) {
          const spaced = gap > item.height * 0.12 && !last.text.endsWith(" ") && !item.str.startsWith(" ");
          last.text += spaced ? ` ${item.str}` : item.str;
          // Wider than a space: two items, like a label and its value drawn apart.
          if (gap > item.height * 0.5) last.breaks.push(last.text.length - item.str.length);
          last.confidence = Math.min(last.confidence, item.confidence ?? 1);
          last.x1 = Math.max(last.x1, item.x + item.width);
          last.height = Math.max(last.height, item.height);
        } else {
          lineCells.push({
            id: cells.length + lineCells.length,
            text: item.str,
            page: page.page,
            line: lineIndex,
            x0: item.x,
            x1: item.x + item.width,
            top: item.y,
            height: item.height,
            breaks: [],
            confidence: item.confidence ?? 1,
          });
        }
      }
      for (const cell of lineCells) tidy(cell);
      cells.push(...lineCells);
      return lineCells;
    });
  });
  return { source, cells, lines };
}

function groupLines(items: TextItem[]): TextItem[][] {
  const sorted = [...items].sort((a, b) => a.y + a.height / 2 - (b.y + b.height / 2) || a.x - b.x);
  const lines: TextItem[][] = [];
  let centre = Number.NEGATIVE_INFINITY;
  let height = 0;
  for (const item of sorted) {
    const itemCentre = item.y + item.height / 2;
    const current = lines.at(-1);
    if (current && Math.abs(itemCentre - centre) <= Math.min(height, item.height) * 0.45) {
      current.push(item);
    } else {
      lines.push([item]);
      centre = itemCentre;
      height = item.height;
    }
  }
  for (const line of lines) line.sort((a, b) => a.x - b.x);
  return lines;
}

/** Collapses whitespace, keeping the item breaks pointing at the same characters. */
function tidy(cell: Cell): void {
  let text = "";
  const breaks: number[] = [];
  let next = 0;
  for (let index = 0; index < cell.text.length; index++) {
    const char = cell.text[index] ?? "";
    while (cell.breaks[next] !== undefined && (cell.breaks[next] ?? 0) <= index) {
      breaks.push(text.length);
      next++;
    }
    if (/\s/.test(char) && (text === "" || text.endsWith(" "))) continue;
    text += /\s/.test(char) ? " " : char;
  }
  cell.text = text.trimEnd();
  cell.breaks = breaks;
}
