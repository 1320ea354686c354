import type { Block } from "@aws-sdk/client-textract";
import type { CorpusDoc } from "./index";
import type { Random } from "./random";
import { PAGE, runWidth } from "./render";

// Characters OCR confuses on scanned schedules.
const CONFUSABLE: Record<string, string> = {
  "0": "O",
  O: "0",
  "1": "I",
  I: "1",
  "5": "S",
  S: "5",
  "8": "B",
  B: "8",
};

export interface ScanOptions {
  /** Chance that a word is misread (one confusable character swapped). */
  misreadRate: number;
  /** Chance that a misread word still gets a high OCR confidence. */
  confidentMisreadRate: number;
}

/** The document as Textract would return it for a scan: WORD blocks with geometry and confidence,
 * some words misread. Misread words usually carry low confidence, as Textract's do. */
export function scannedBlocks(doc: CorpusDoc, random: Random, options: ScanOptions): Block[] {
  const blocks: Block[] = [];
  for (const page of doc.pages) {
    for (const item of page.items) {
      let x = item.x;
      for (const word of item.str.split(" ")) {
        const width = runWidth(word, item.height);
        let text = word;
        let confidence = 92 + random.next() * 7.9;
        const swappable = [...word].flatMap((char, index) => (CONFUSABLE[char] ? [index] : []));
        if (swappable.length > 0 && random.chance(options.misreadRate)) {
          const at = random.pick(swappable);
          text = word.slice(0, at) + (CONFUSABLE[word[at] ?? ""] ?? "") + word.slice(at + 1);
          if (!random.chance(options.confidentMisreadRate)) confidence = 40 + random.next() * 40;
        }
        if (text) {
          blocks.push({
            BlockType: "WORD",
            Id: `w${blocks.length}`,
            Page: page.page,
            Text: text,
            Confidence: confidence,
            Geometry: {
              BoundingBox: {
                Left: x / PAGE.width,
                Top: item.y / PAGE.height,
                Width: width / PAGE.width,
                Height: item.height / PAGE.height,
              },
            },
          });
        }
        x += runWidth(`${word} `, item.height);
      }
    }
  }
  return blocks;
}

/** What a scan changed: the truth stays the truth, so misread values count as wrong. */
export function misreads(blocks: Block[]): number {
  return blocks.filter((block) => (block.Confidence ?? 100) < 90).length;
}
