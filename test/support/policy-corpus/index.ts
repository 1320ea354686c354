// A corpus of synthetic Indian motor and health policy schedules with their ground truth, for the
// extraction tests and `npm run bench:extract`. Same seed, same corpus.
import type { TextPage } from "../../../src/features/policies/extract/types";
import { sections } from "./content";
import { Random } from "./random";
import { type LayoutName, type Run, render, toPages } from "./render";
import { type PolicyCase, randomCase, type Truth } from "./truth";

export type { LayoutName, Run } from "./render";
export type { Truth } from "./truth";

export interface CorpusDoc {
  id: string;
  layout: LayoutName;
  insurer: string;
  truth: Truth;
  /** Fields printed under wording the lexicon does not know: the extractor should leave them null. */
  unseen: string[];
  /** What was drawn, for rendering a real PDF. */
  runs: Run[][];
  /** The positioned text the extractor reads, as pdf.js would give it. */
  pages: TextPage[];
}

export const LAYOUTS: LayoutName[] = ["colon", "inline", "tight", "grid", "table"];

/** One document: a random case drawn in a layout (chosen at random unless given). */
export function generateDoc(random: Random, index: number, layout?: LayoutName): CorpusDoc {
  const policy: PolicyCase = randomCase(random);
  const chosen = layout ?? random.pick(LAYOUTS);
  const content = sections(policy, random);
  const runs = render(content, chosen, random.chance(0.35), random);
  return {
    id: `doc-${index}`,
    layout: chosen,
    insurer: policy.profile.name,
    truth: policy.truth,
    unseen: content.unseen,
    runs,
    pages: toPages(runs, random),
  };
}

/** `count` documents from a fixed seed. */
export function generateCorpus(count: number, seed = 12): CorpusDoc[] {
  const random = new Random(seed);
  return Array.from({ length: count }, (_, index) => generateDoc(random, index));
}
