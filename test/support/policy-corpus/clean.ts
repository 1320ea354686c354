import { extractPolicy } from "../../../src/features/policies/extract";
import { type CorpusDoc, generateDoc, type Run } from "./index";
import { Random } from "./random";

/** Motor schedules that the engine reads exactly and without issues, their NCB printed as "N%". */
export function cleanMotorDocs(count: number, seed = 7): CorpusDoc[] {
  const random = new Random(seed);
  const found: CorpusDoc[] = [];
  for (let index = 0; index < 300 && found.length < count; index++) {
    const doc = generateDoc(random, index);
    const ncb = doc.truth.ncbPercent;
    if (doc.truth.productLine !== "motor" || doc.unseen.length > 0 || !ncb) continue;
    if (!doc.runs.flat().some((run) => run.str.includes(`${ncb}%`))) continue;
    const extraction = extractPolicy(doc.pages);
    const exact = Object.entries(doc.truth).every(
      ([name, value]) =>
        JSON.stringify(extraction.fields[name as keyof typeof extraction.fields]?.value ?? null) ===
        JSON.stringify(value),
    );
    if (!extraction.needsReview && exact) found.push(doc);
  }
  if (found.length < count) throw new Error("not enough clean motor schedules in the corpus");
  return found;
}

/** The schedule as drawn, with its NCB printed as `percent`% (30: off the slabs, so it goes to review). */
export const withNcb = (doc: CorpusDoc, percent: number): Run[][] =>
  doc.runs.map((page) =>
    page.map((run) => ({ ...run, str: run.str.replaceAll(`${doc.truth.ncbPercent}%`, `${percent}%`) })),
  );
