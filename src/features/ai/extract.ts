import type { Database } from "../../db/client";
import { coverageOf } from "../knowledge/lexical";
import { type Citation, citationsOf, type Passage } from "./retrieval";

export const DONT_KNOW =
  'I don\'t know the answer to that from our documents. Would you like me to connect you with a person? Just say "human".';

// A passage (heading and text) must hold at least this share of the question's term weight to be
// quoted: below it, it only shares a common word with the question, and "I don't know" is honest.
const MIN_COVERAGE = 0.3;
// Other sentences join the best one when they come close to it.
const NEAR_BEST = 0.6;
const MAX_SENTENCES = 3;
const PASSAGES_READ = 3;
const MAX_SENTENCE_CHARS = 400;

interface Sentence {
  passage: number;
  position: number;
  text: string;
}

/** Splits a passage into sentences (and lines, which in documents are often list items or headings). */
export function sentencesOf(content: string): string[] {
  return content
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z0-9"“(])/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => /\w/.test(s))
    .map((s) => (s.length > MAX_SENTENCE_CHARS ? `${s.slice(0, MAX_SENTENCE_CHARS)}…` : s));
}

/**
 * Retrieval mode's answer: the one to three sentences of the best passages that cover most of the
 * question's weighted terms, with their sources — or an honest "I don't know" when none covers enough.
 */
export async function extractiveAnswer(
  db: Database,
  tenantId: string,
  question: string,
  passages: Passage[],
): Promise<{ text: string; citations: Citation[] }> {
  const sentences: Sentence[] = passages
    .slice(0, PASSAGES_READ)
    .flatMap((p, passage) => sentencesOf(p.content).map((text, position) => ({ passage, position, text })));
  if (sentences.length === 0) return { text: DONT_KNOW, citations: [] };
  const read = passages.slice(0, PASSAGES_READ);
  const texts = [...read.map((p) => `${p.heading ?? ""}\n${p.content}`), ...sentences.map((s) => s.text)];
  const result = await db.execute(coverageOf({ tenantId, collectionId: null }, question, texts));
  const coverage = result.rows.map((row) => Number(row.coverage ?? 0));
  const passageCoverage = (i: number) => coverage[i] ?? 0;
  // Sentences of passages that cover the question compete; a tie goes to the better passage.
  const scored = sentences
    .map((s, index) => ({ ...s, score: (coverage[read.length + index] ?? 0) - s.passage * 0.01 }))
    .filter((s) => passageCoverage(s.passage) >= MIN_COVERAGE)
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return { text: DONT_KNOW, citations: [] };
  const chosen = scored.filter((s) => s.score >= best.score * NEAR_BEST).slice(0, MAX_SENTENCES);
  // A short best sentence (a heading, a list lead-in) needs the sentence after it to make sense.
  if (chosen.length < MAX_SENTENCES && best.text.split(" ").length < 8) {
    const next = sentences.find((s) => s.passage === best.passage && s.position === best.position + 1);
    if (next && !chosen.some((s) => s.passage === next.passage && s.position === next.position))
      chosen.push({ ...next, score: 0 });
  }
  chosen.sort((a, b) => a.passage - b.passage || a.position - b.position);
  const citations = citationsOf([...new Set(chosen.map((s) => s.passage))].flatMap((i) => passages[i] ?? []));
  const sources = citations.map((c) => `${c.title}${c.page ? `, page ${c.page}` : ""}`).join("; ");
  return { text: `${chosen.map((s) => s.text).join(" ")}\n\nSource: ${sources}`, citations };
}
