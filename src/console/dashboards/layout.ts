// Arranging widgets on the 24-column grid in the browser: a moved or resized widget keeps its place
// and pushes whatever it lands on downwards, so the layout sent to PUT /layout never overlaps.
import type { Layout, Rect } from "./types";

export const COLUMNS = 24;

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Keeps a rectangle inside the grid (1..24 columns wide, x + w ≤ 24, at least one row). */
export function clamp(rect: Rect): Rect {
  const w = Math.min(COLUMNS, Math.max(1, rect.w));
  const h = Math.min(100, Math.max(1, rect.h));
  return { w, h, x: Math.min(COLUMNS - w, Math.max(0, rect.x)), y: Math.max(0, rect.y) };
}

/** `layout` with `id` at `rect`; every widget it now overlaps moves below it, and so on down. */
export function place(layout: Layout, id: string, rect: Rect): Layout {
  const next: Layout = { ...layout, [id]: clamp(rect) };
  const queue = [id];
  // Each push moves a widget strictly down, so this ends; the cap only guards against a bug.
  for (let steps = 0; queue.length && steps < 10_000; steps++) {
    const moved = queue.shift() as string;
    const above = next[moved] as Rect;
    for (const [other, box] of Object.entries(next))
      if (other !== moved && other !== id && overlaps(box, above)) {
        next[other] = { ...box, y: above.y + above.h };
        queue.push(other);
      }
  }
  return next;
}

/** The keyboard's step: arrows move by one cell, with Shift they resize. Null for other keys. */
export function step(rect: Rect, key: string, resize: boolean): Rect | null {
  const delta: Record<string, [number, number]> = {
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
    ArrowUp: [0, -1],
    ArrowDown: [0, 1],
  };
  const d = delta[key];
  if (!d) return null;
  const [dx, dy] = d;
  return clamp(
    resize ? { ...rect, w: rect.w + dx, h: rect.h + dy } : { ...rect, x: rect.x + dx, y: rect.y + dy },
  );
}

/** Widgets in reading order (top to bottom, left to right): the DOM order, and a phone's one column. */
export const readingOrder = <T extends { id: string }>(items: T[], layout: Layout) =>
  [...items].sort((a, b) => {
    const ra = layout[a.id];
    const rb = layout[b.id];
    return ra && rb ? ra.y - rb.y || ra.x - rb.x : 0;
  });
