import type { Block } from "@aws-sdk/client-textract";
import type { TextPage } from "./types";

// Textract geometry is a fraction of the page; scaled to an A4 page in points so sizes compare with
// the text layer's.
const WIDTH = 595;
const HEIGHT = 842;

/** Textract WORD blocks (LINE blocks when a response has no words) as positioned items per page. */
export function textractPages(blocks: Block[]): TextPage[] {
  const hasWords = blocks.some((block) => block.BlockType === "WORD");
  const pages = new Map<number, TextPage>();
  for (const block of blocks) {
    if (block.BlockType !== (hasWords ? "WORD" : "LINE") || !block.Text) continue;
    const box = block.Geometry?.BoundingBox;
    if (!box) continue;
    const number = block.Page ?? 1;
    const page = pages.get(number) ?? { page: number, width: WIDTH, height: HEIGHT, items: [] };
    page.items.push({
      str: block.Text,
      x: (box.Left ?? 0) * WIDTH,
      y: (box.Top ?? 0) * HEIGHT,
      width: (box.Width ?? 0) * WIDTH,
      height: (box.Height ?? 0) * HEIGHT,
      // Textract's confidence is 0–100.
      confidence: (block.Confidence ?? 100) / 100,
    });
    pages.set(number, page);
  }
  return [...pages.values()].sort((a, b) => a.page - b.page);
}
