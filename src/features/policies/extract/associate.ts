import type { LabelHit } from "./labels";
import type { Cell, Layout } from "./layout";

/** A piece of text that may be a label's value, and how the two are placed (1 = same cell). */
export interface ValueSpot {
  raw: string;
  cell: Cell;
  score: number;
  where: "inline" | "right" | "below";
}

const SCORE = { inline: 1, right: 0.98, below: 0.93 };

/** Where a label's value can be, most likely first: inline, right of it on the same line, below it
 * in the same column. A neighbour that is itself a label ends the search in that direction. */
export function valueSpots(hit: LabelHit, layout: Layout, labelled: Map<number, LabelHit>): ValueSpot[] {
  const spots: ValueSpot[] = [];
  const { cell } = hit;
  if (hit.rest) spots.push({ raw: hit.rest, cell, score: SCORE.inline, where: "inline" });
  const lines = layout.lines[pageIndex(layout, cell)] ?? [];
  const line = lines[cell.line] ?? [];
  const right = line.find((other) => other.x0 >= cell.x1 - 1 && other.id !== cell.id);
  // A row that is mostly labels heads a grid or table: its values are below, and an unknown word to the
  // right of a label there is another label, not its value.
  const bare = line.filter((other) => labelled.get(other.id)?.rest === "").length;
  const unlabelled = line.filter((other) => !labelled.has(other.id)).length;
  const header = !hit.rest && bare >= 2 && unlabelled < bare;
  if (right && !header && !labelled.has(right.id))
    spots.push({ raw: unprefixed(right.text), cell: right, score: SCORE.right, where: "right" });
  const below = belowCell(cell, lines);
  if (below && !labelled.has(below.id) && below.height <= cell.height * 1.3) {
    spots.push({ raw: unprefixed(below.text), cell: below, score: SCORE.below, where: "below" });
  }
  return spots;
}

/** The cell under this one in the same column, on the next line, close enough to belong to it. */
export function belowCell(cell: Cell, lines: Cell[][]): Cell | null {
  const next = lines[cell.line + 1];
  const first = next?.[0];
  if (!next || !first || first.top - (cell.top + cell.height) > cell.height * 2) return null;
  let best: { cell: Cell; overlap: number } | null = null;
  for (const other of next) {
    const overlap = Math.min(cell.x1, other.x1) - Math.max(cell.x0, other.x0);
    if (overlap > 0 && (!best || overlap > best.overlap)) best = { cell: other, overlap };
  }
  return best?.cell ?? null;
}

// A separator drawn as its own item joins the value's cell: ": 12,345.00".
function unprefixed(text: string): string {
  return text.replace(/^[:\-–=]\s*/, "");
}

function pageIndex(layout: Layout, cell: Cell): number {
  return layout.lines.findIndex((page) => page[0]?.[0]?.page === cell.page);
}
