import type { TextPage } from "../../../src/features/policies/extract/types";

/** A cell placed on a hand-drawn page: x position and text. */
export type Placed = [x: number, text: string];

/** A page from rows of placed text, one row every 16 points at size 9 (widths as Helvetica would give). */
export function page(rows: Placed[][], number = 1): TextPage {
  return {
    page: number,
    width: 595,
    height: 842,
    items: rows.flatMap((row, index) =>
      row.map(([x, str]) => ({ str, x, y: 40 + index * 16, width: str.length * 9 * 0.52, height: 9 })),
    ),
  };
}
