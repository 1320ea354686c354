import type { TextItem, TextPage } from "../../../src/features/policies/extract/types";
import type { Pair, Sections } from "./content";
import type { Random } from "./random";

/** A run of text drawn on a page (x from the left, y = top of the text, downward), in PDF points. */
export interface Run {
  str: string;
  x: number;
  y: number;
  size: number;
}

/** colon: "Label  :  value" columns; inline: "Label: value" in one run; tight: the value drawn just after
 * its label with no separator; grid: label above value, 3 a row; table: header row over a value row. */
export type LayoutName = "colon" | "inline" | "tight" | "grid" | "table";

export const PAGE = { width: 595, height: 842, margin: 36 };
// Helvetica advances (per 1 pt of size), by kind of character, rounded up a little so estimated
// columns stay apart when pdf.js measures the real glyphs.
function advance(char: string): number {
  if (/[A-Z]/.test(char)) return char === "I" ? 0.3 : /[MW]/.test(char) ? 0.95 : 0.72;
  if (/[a-z]/.test(char)) return /[ijlft]/.test(char) ? 0.3 : /[mw]/.test(char) ? 0.85 : 0.56;
  if (/[0-9]/.test(char)) return 0.56;
  if (char === " ") return 0.28;
  return char === "₹" ? 0.6 : 0.4;
}

/** Estimated width of a run, as pdf.js would report it for Helvetica. */
export function runWidth(str: string, size: number): number {
  let width = 0;
  for (const char of str) width += advance(char);
  return width * size;
}

class Writer {
  pages: Run[][] = [[]];
  y = PAGE.margin;

  constructor(private random: Random) {}

  text(str: string, x: number, size: number, dy = 0): void {
    if (!str) return;
    const jitter = () => (this.random.next() - 0.5) * 0.6;
    this.pages.at(-1)?.push({ str, x: x + jitter(), y: this.y + dy + jitter(), size });
  }

  advance(by: number): void {
    this.y += by;
    if (this.y > PAGE.height - PAGE.margin * 2) this.newPage();
  }

  newPage(): void {
    this.pages.push([]);
    this.y = PAGE.margin;
  }
}

/** Draws a schedule's sections in one of the layouts; two pages when asked. */
export function render(content: Sections, layout: LayoutName, twoPages: boolean, random: Random): Run[][] {
  const w = new Writer(random);
  const size = random.pick([8, 8.5, 9]);
  w.text(content.header[0] ?? "", PAGE.margin, 13);
  w.advance(18);
  w.text(content.header[1] ?? "", PAGE.margin, 7);
  w.advance(14);
  w.text(content.title, PAGE.margin, 10.5);
  w.advance(22);
  for (const section of content.details) {
    w.text(section.heading, PAGE.margin, size + 2);
    w.advance(size * 2);
    pairs(w, section.pairs, layout, size);
    w.advance(size);
  }
  if (twoPages) {
    w.text(content.footer[1] ?? "", PAGE.margin, 7);
    w.newPage();
    w.text(content.header[0] ?? "", PAGE.margin, 10);
    w.advance(16);
    // Page 2 repeats the policy number in its running header.
    const policyNo = content.details[0]?.pairs[0];
    if (policyNo) w.text(`${policyNo[0]}: ${policyNo[1]}`, PAGE.margin, 7);
    w.advance(20);
  }
  if (content.members) {
    w.text("INSURED PERSONS", PAGE.margin, size + 2);
    w.advance(size * 2);
    table(
      w,
      [
        "Sr. No.",
        random.pick(["Name of Insured Person", "Member Name", "Name"]),
        "Date of Birth",
        "Relationship",
        "PED",
      ],
      content.members.map((member, index) => [String(index + 1), ...member, random.pick(["No", "None"])]),
      size,
    );
    w.advance(size);
  }
  w.text(layout === "table" ? "SCHEDULE OF PREMIUM" : "PREMIUM DETAILS", PAGE.margin, size + 2);
  w.advance(size * 2);
  for (const [label, value] of content.premium) {
    w.text(label, PAGE.margin, size);
    w.text(value, 420 - runWidth(value, size), size);
    w.advance(size * 1.7);
  }
  w.advance(size);
  for (const line of content.footer) {
    w.text(line, PAGE.margin, 7);
    w.advance(11);
  }
  return w.pages;
}

function pairs(w: Writer, list: Pair[], layout: LayoutName, size: number): void {
  const perRow = layout === "grid" ? 3 : layout === "table" ? 4 : 2;
  const colWidth = (PAGE.width - 2 * PAGE.margin) / perRow;
  // A pair too wide for one column spans several, so no two runs overlap.
  const span = ([label, value]: Pair) => {
    const width =
      layout === "inline"
        ? runWidth(`${label}: ${value}`, size)
        : layout === "tight"
          ? runWidth(`${label}    ${value}`, size)
          : layout === "colon"
            ? 108 + runWidth(value, size)
            : Math.max(runWidth(label, size), runWidth(value, size));
    const labelTooWide = layout === "colon" && runWidth(label, size) > 96;
    return Math.min(perRow, Math.ceil((width + 12) / colWidth) + (labelTooWide ? perRow : 0));
  };
  let row: Array<{ pair: Pair; col: number }> = [];
  let used = 0;
  const flush = () => {
    if (row.length === 0) return;
    if (layout === "grid" || layout === "table") {
      for (const { pair, col } of row)
        w.text(pair[0], PAGE.margin + col * colWidth, layout === "grid" ? size - 1.5 : size);
      w.advance(size * 1.5);
      for (const { pair, col } of row) w.text(pair[1], PAGE.margin + col * colWidth, size);
      w.advance(size * 2.2);
    } else {
      for (const { pair, col } of row) {
        const x = PAGE.margin + col * colWidth;
        if (layout === "inline") w.text(`${pair[0]}: ${pair[1]}`, x, size);
        else if (layout === "tight") {
          w.text(pair[0], x, size);
          w.text(pair[1], x + runWidth(pair[0], size) + size * 0.9, size);
        } else if (runWidth(pair[0], size) > 96) w.text(`${pair[0]} : ${pair[1]}`, x, size);
        else {
          w.text(pair[0], x, size);
          w.text(":", x + 100, size);
          w.text(pair[1], x + 108, size);
        }
      }
      w.advance(size * 1.8);
    }
    row = [];
    used = 0;
  };
  for (const pair of list) {
    const cols = span(pair);
    if (used + cols > perRow) flush();
    row.push({ pair, col: used });
    used += cols;
  }
  flush();
}

function table(w: Writer, header: string[], rows: string[][], size: number): void {
  const xs = [PAGE.margin, 90, 250, 370, 470];
  for (const [i, cell] of header.entries()) w.text(cell, xs[i] ?? 0, size);
  w.advance(size * 1.6);
  for (const row of rows) {
    for (const [i, cell] of row.entries()) w.text(cell, xs[i] ?? 0, size);
    w.advance(size * 1.6);
  }
}

/** Runs as pdf.js would report them: words sometimes split into items of their own. */
export function toPages(runs: Run[][], random: Random): TextPage[] {
  return runs.map((pageRuns, index) => {
    const items: TextItem[] = [];
    for (const run of pageRuns) {
      const words = random.chance(0.3) ? run.str.split(" ") : [run.str];
      let x = run.x;
      for (const word of words) {
        const str = words.length > 1 ? word : run.str;
        items.push({ str, x, y: run.y, width: runWidth(str, run.size), height: run.size });
        x += runWidth(`${str} `, run.size);
      }
    }
    return { page: index + 1, width: PAGE.width, height: PAGE.height, items: random.shuffle(items) };
  });
}
