import type { Block } from "@aws-sdk/client-textract";

interface Element {
  top: number;
  left: number;
  text: string;
}

// Lines whose tops differ by less than this (fraction of page height) are one visual row.
const ROW_TOLERANCE = 0.006;

/**
 * Turns Textract blocks (LINE, WORD, KEY_VALUE_SET, TABLE/CELL) into plain text in reading order:
 * free lines as they are, each form field as `Key: Value`, each table as ` | `-separated rows.
 * Words that belong to a table or a form field are taken out of the free lines so nothing repeats.
 */
export function textFromBlocks(blocks: Block[]): string {
  const byId = new Map(blocks.flatMap((block) => (block.Id ? [[block.Id, block] as const] : [])));
  const consumed = new Set<string>();
  const elements: Element[] = [];

  for (const table of blocks.filter((block) => block.BlockType === "TABLE")) {
    const cells = childrenOf(table, byId, "CHILD").filter((block) => block.BlockType === "CELL");
    const rows = new Map<number, string[]>();
    for (const cell of cells) {
      const words = childrenOf(cell, byId, "CHILD");
      for (const word of words) if (word.Id) consumed.add(word.Id);
      const row = rows.get(cell.RowIndex ?? 1) ?? [];
      row[(cell.ColumnIndex ?? 1) - 1] = wordsText(words);
      rows.set(cell.RowIndex ?? 1, row);
    }
    const text = [...rows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, row]) => Array.from(row, (cell) => cell ?? "").join(" | "))
      .join("\n");
    if (text.trim()) elements.push({ ...position(table), text });
  }

  for (const key of blocks.filter(
    (block) => block.BlockType === "KEY_VALUE_SET" && block.EntityTypes?.includes("KEY"),
  )) {
    const keyWords = childrenOf(key, byId, "CHILD");
    const valueWords = childrenOf(key, byId, "VALUE").flatMap((value) => childrenOf(value, byId, "CHILD"));
    const keyText = wordsText(keyWords).replace(/:\s*$/, "");
    if (!keyText) continue;
    for (const word of [...keyWords, ...valueWords]) if (word.Id) consumed.add(word.Id);
    elements.push({ ...position(key), text: `${keyText}: ${wordsText(valueWords)}`.trim() });
  }

  for (const line of blocks.filter((block) => block.BlockType === "LINE")) {
    const words = childrenOf(line, byId, "CHILD");
    const free = words.filter((word) => !word.Id || !consumed.has(word.Id));
    if (words.length > 0 && free.length === 0) continue;
    const text = words.length > 0 ? wordsText(free) : (line.Text ?? "");
    if (text.trim()) elements.push({ ...position(line), text });
  }

  elements.sort((a, b) => (Math.abs(a.top - b.top) < ROW_TOLERANCE ? a.left - b.left : a.top - b.top));
  return elements.map((element) => element.text).join("\n");
}

function childrenOf(block: Block, byId: Map<string, Block>, type: "CHILD" | "VALUE"): Block[] {
  return (block.Relationships ?? [])
    .filter((relationship) => relationship.Type === type)
    .flatMap((relationship) => relationship.Ids ?? [])
    .flatMap((id) => {
      const child = byId.get(id);
      return child ? [child] : [];
    });
}

function wordsText(words: Block[]): string {
  return words
    .map((word) =>
      word.BlockType === "SELECTION_ELEMENT"
        ? word.SelectionStatus === "SELECTED"
          ? "[x]"
          : "[ ]"
        : word.Text,
    )
    .filter(Boolean)
    .join(" ");
}

function position(block: Block): { top: number; left: number } {
  const box = block.Geometry?.BoundingBox;
  return { top: box?.Top ?? 0, left: box?.Left ?? 0 };
}
