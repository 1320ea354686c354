import type { TextBlock } from "./extract/types";

export interface Chunk {
  heading: string | null;
  content: string;
}

export interface ChunkOptions {
  /** Upper bound of a chunk's content, in characters (≈ 250 tokens at the default). */
  maxChars: number;
  /** Text repeated from the end of the previous chunk of the same section. */
  overlapChars: number;
}

export const defaultChunkOptions: ChunkOptions = { maxChars: 1000, overlapChars: 150 };

/**
 * Chunks one page: a heading closes the chunk before it and labels the ones after it (also across
 * pages, via `heading`); paragraphs are packed up to `maxChars` and only split when one alone is too
 * long (at sentences, then words); consecutive chunks of a section overlap by about `overlapChars`.
 */
export function chunkPage(
  blocks: TextBlock[],
  carriedHeading: string | null,
  options: ChunkOptions = defaultChunkOptions,
): { chunks: Chunk[]; heading: string | null } {
  const chunks: Chunk[] = [];
  let heading = carriedHeading;
  let parts: string[] = [];
  let size = 0;
  let overlap = "";

  const flush = () => {
    if (parts.length === 0) return;
    const content = parts.join("\n\n");
    chunks.push({ heading, content: overlap ? `${overlap} ${content}` : content });
    overlap = tail(content, options.overlapChars);
    parts = [];
    size = 0;
  };

  for (const block of blocks) {
    // Postgres text cannot hold NUL; extracted text sometimes carries it.
    const text = block.text.replaceAll("\u0000", "");
    if (block.kind === "heading") {
      flush();
      overlap = "";
      heading = text.slice(0, 300);
      continue;
    }
    for (const piece of splitLong(text, options.maxChars - options.overlapChars)) {
      if (size > 0 && size + piece.length + 2 > options.maxChars - overlap.length) flush();
      parts.push(piece);
      size += piece.length + 2;
    }
  }
  flush();
  return { chunks, heading };
}

const SENTENCE_END = /(?<=[.!?;:])\s+(?=\S)|\n+/;

/** Cuts text longer than `max` at sentence ends, and sentences longer than `max` at spaces. */
export function splitLong(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let current = "";
  for (const sentence of text.split(SENTENCE_END).flatMap((s) => hardWrap(s, max))) {
    if (current && current.length + sentence.length + 1 > max) {
      pieces.push(current);
      current = "";
    }
    current = current ? `${current} ${sentence}` : sentence;
  }
  if (current) pieces.push(current);
  return pieces;
}

function hardWrap(sentence: string, max: number): string[] {
  if (sentence.length <= max) return [sentence];
  const pieces: string[] = [];
  let rest = sentence;
  while (rest.length > max) {
    const space = rest.lastIndexOf(" ", max);
    const cut = space > max / 2 ? space : max;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** The last sentences of `text` that fit in `max` characters (whole words when no sentence fits). */
function tail(text: string, max: number): string {
  if (max <= 0) return "";
  const sentences = text.split(SENTENCE_END);
  let result = "";
  for (let i = sentences.length - 1; i >= 0; i--) {
    const candidate = result ? `${sentences[i]} ${result}` : (sentences[i] ?? "");
    if (candidate.length > max) break;
    result = candidate;
  }
  if (result) return result;
  const words = text.slice(-max);
  return words.slice(words.indexOf(" ") + 1);
}
