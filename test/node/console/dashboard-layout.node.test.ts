// Arranging widgets in the console: a move or resize never leaves an overlap for PUT /layout to refuse.
import { describe, expect, it } from "vitest";
import { place, readingOrder, step } from "../../../src/console/dashboards/layout";

const overlapping = (layout: Record<string, { x: number; y: number; w: number; h: number }>) => {
  const boxes = Object.values(layout);
  return boxes.some((a, i) =>
    boxes.slice(i + 1).some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h),
  );
};

describe("the console's dashboard layout", () => {
  it("pushes the widgets a moved one lands on downwards, in a chain, and leaves no overlap", () => {
    const layout = {
      a: { x: 0, y: 0, w: 12, h: 4 },
      b: { x: 12, y: 0, w: 12, h: 4 },
      c: { x: 12, y: 4, w: 12, h: 4 },
    };
    const next = place(layout, "a", { x: 8, y: 0, w: 12, h: 4 });
    expect(next).toEqual({
      a: { x: 8, y: 0, w: 12, h: 4 },
      b: { x: 12, y: 4, w: 12, h: 4 },
      c: { x: 12, y: 8, w: 12, h: 4 },
    });
    expect(overlapping(next)).toBe(false);
  });

  it("keeps a widget inside the 24 columns when a key would move or grow it past the edge", () => {
    const rect = { x: 20, y: 0, w: 4, h: 2 };
    expect(step(rect, "ArrowRight", false)).toEqual(rect);
    expect(step(rect, "ArrowRight", true)).toEqual({ x: 19, y: 0, w: 5, h: 2 });
    expect(step({ x: 0, y: 0, w: 1, h: 1 }, "ArrowUp", true)).toEqual({ x: 0, y: 0, w: 1, h: 1 });
    expect(step(rect, "Enter", false)).toBeNull();
  });

  it("lists widgets top to bottom, then left to right", () => {
    const layout = {
      a: { x: 12, y: 0, w: 6, h: 4 },
      b: { x: 0, y: 4, w: 6, h: 4 },
      c: { x: 0, y: 0, w: 6, h: 4 },
    };
    expect(readingOrder([{ id: "a" }, { id: "b" }, { id: "c" }], layout).map((w) => w.id)).toEqual([
      "c",
      "a",
      "b",
    ]);
  });
});
