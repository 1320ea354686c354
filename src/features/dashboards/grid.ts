import type { WidgetType } from "../../db/schema";
import { AppError } from "../../lib/errors";

/** Grafana's and Metabase's grid width. */
export const GRID_COLUMNS = 24;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A new widget's size when it comes without a layout: small for numbers and notes, larger for charts. */
export const DEFAULT_SIZE: Record<WidgetType, { w: number; h: number }> = {
  kpi: { w: 6, h: 4 },
  text: { w: 6, h: 4 },
  timeseries: { w: 12, h: 8 },
  table: { w: 12, h: 8 },
  bar: { w: 8, h: 8 },
  pie: { w: 8, h: 8 },
  leaderboard: { w: 8, h: 8 },
};

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Refuses rectangles that leave the 24 columns or overlap each other (`path` names each in the error). */
export function checkLayout(items: { id: string; layout: Rect }[]): void {
  for (const { id, layout } of items)
    if (layout.x + layout.w > GRID_COLUMNS)
      throw new AppError("validation_failed", "Invalid layout", [
        { path: id, message: `x + w must be at most ${GRID_COLUMNS}` },
      ]);
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i];
      const b = items[j];
      if (a && b && overlaps(a.layout, b.layout))
        throw new AppError("validation_failed", "Widgets overlap", [
          { path: b.id, message: `overlaps widget ${a.id}` },
        ]);
    }
}

/** Metabase's placement: the first slot of `size` that overlaps nothing, scanning left→right, top→bottom. */
export function firstFreeSlot(taken: Rect[], size: { w: number; h: number }): Rect {
  const bottom = Math.max(0, ...taken.map((r) => r.y + r.h));
  for (let y = 0; y <= bottom; y++)
    for (let x = 0; x + size.w <= GRID_COLUMNS; x++) {
      const candidate = { x, y, ...size };
      if (!taken.some((r) => overlaps(r, candidate))) return candidate;
    }
  return { x: 0, y: bottom, ...size };
}
