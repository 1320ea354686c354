// `npm run bench:extract`: accuracy and speed of the policy extraction engine on a synthetic corpus.
// 1. Text layer: every document is drawn as a real PDF with pdf-lib, then read back through unpdf and
//    extracted (timed: unpdf + extraction = pages per second).
// 2. Scans: the same documents as Textract WORD blocks with misread characters (most with low OCR
//    confidence, some not), extracted with source "ocr".
// Per field: correct, missed (a value in the truth, none extracted), wrong (a different value),
// fabricated (a value where the truth has none) and wrong-but-confident (wrong or fabricated with
// confidence ≥ 0.9). Options: BENCH_DOCS (default 200), BENCH_SEED (default 12).
import { extractPolicy, textractPages } from "../src/features/policies/extract/index.ts";
import { pdfPages } from "../src/features/policies/extract/pdf-pages.ts";
import type { PolicyExtraction, TextPage } from "../src/features/policies/extract/types.ts";
import { type CorpusDoc, generateCorpus } from "../test/support/policy-corpus/index.ts";
import { corpusPdf } from "../test/support/policy-corpus/pdf.ts";
import { Random } from "../test/support/policy-corpus/random.ts";
import { scannedBlocks } from "../test/support/policy-corpus/scan.ts";

interface Tally {
  correct: number;
  missed: number;
  wrong: number;
  fabricated: number;
  confidentWrong: number;
  confidentWrongSaved: number;
}

const empty = (): Tally => ({
  correct: 0,
  missed: 0,
  wrong: 0,
  fabricated: 0,
  confidentWrong: 0,
  confidentWrongSaved: 0,
});

function score(docs: CorpusDoc[], results: PolicyExtraction[]): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  docs.forEach((doc, index) => {
    const result = results[index];
    if (!result) return;
    for (const [name, truth] of Object.entries(doc.truth)) {
      const field = result.fields[name as keyof typeof result.fields];
      const tally = tallies.get(name) ?? empty();
      tallies.set(name, tally);
      const got = field?.value ?? null;
      if (truth === null && got === null) continue; // not applicable and not invented
      if (JSON.stringify(got) === JSON.stringify(truth)) tally.correct++;
      else if (got === null) tally.missed++;
      else {
        if (truth === null) tally.fabricated++;
        else tally.wrong++;
        if ((field?.confidence ?? 0) >= 0.9) {
          tally.confidentWrong++;
          if (!result.needsReview) tally.confidentWrongSaved++;
        }
      }
    }
  });
  return tallies;
}

function report(title: string, tallies: Map<string, Tally>, results: PolicyExtraction[]): void {
  const total = empty();
  console.log(`\n${title}`);
  console.log("field                 in scope  accuracy  missed  wrong  fabricated  wrong≥0.9");
  for (const [name, tally] of tallies) {
    const scope = tally.correct + tally.missed + tally.wrong + tally.fabricated;
    for (const key of Object.keys(total) as Array<keyof Tally>) total[key] += tally[key];
    if (scope === 0) continue;
    console.log(
      `${name.padEnd(22)}${String(scope).padStart(8)}  ${pct(tally.correct, scope).padStart(8)}  ${String(tally.missed).padStart(6)}  ${String(tally.wrong).padStart(5)}  ${String(tally.fabricated).padStart(10)}  ${String(tally.confidentWrong).padStart(9)}`,
    );
  }
  const scope = total.correct + total.missed + total.wrong + total.fabricated;
  const review = results.filter((result) => result.needsReview).length;
  console.log(
    `OVERALL: ${pct(total.correct, scope)} field accuracy (${total.correct}/${scope}); missed ${total.missed}, wrong ${total.wrong}, fabricated ${total.fabricated}; wrong with confidence ≥ 0.9: ${total.confidentWrong} (${total.confidentWrongSaved} in a record that would be saved without review); ${review}/${results.length} records need review`,
  );
}

const pct = (a: number, b: number) => `${((100 * a) / Math.max(b, 1)).toFixed(2)}%`;

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_DOCS ?? 200);
  const seed = Number(process.env.BENCH_SEED ?? 12);
  const docs = generateCorpus(count, seed);
  const pdfs = await Promise.all(docs.map((doc) => corpusPdf(doc.runs)));
  const pageCount = docs.reduce((sum, doc) => sum + doc.runs.length, 0);
  console.log(`corpus: ${count} documents, ${pageCount} pages (seed ${seed}); layouts ${layouts(docs)}`);

  await pdfPages(pdfs[0] ?? new Uint8Array()); // pdf.js's first load is not what a page costs
  let started = performance.now();
  const textResults: PolicyExtraction[] = [];
  let readMs = 0;
  for (const pdf of pdfs) {
    const before = performance.now();
    const pages: TextPage[] = await pdfPages(pdf);
    readMs += performance.now() - before;
    textResults.push(extractPolicy(pages));
  }
  const textMs = performance.now() - started;
  report("TEXT LAYER (pdf-lib PDF → unpdf → extractPolicy)", score(docs, textResults), textResults);
  console.log(
    `speed: ${((pageCount * 1000) / textMs).toFixed(1)} pages/s end to end (unpdf ${readMs.toFixed(0)} ms, extraction ${(textMs - readMs).toFixed(0)} ms for ${pageCount} pages: ${((pageCount * 1000) / (textMs - readMs)).toFixed(0)} pages/s extraction alone)`,
  );

  const random = new Random(seed + 1);
  const scans = docs.map((doc) =>
    textractPages(scannedBlocks(doc, random, { misreadRate: 0.03, confidentMisreadRate: 0.1 })),
  );
  started = performance.now();
  const ocrResults = scans.map((pages) => extractPolicy(pages, { source: "ocr" }));
  const ocrMs = performance.now() - started;
  report(
    "SCANS (Textract WORD blocks, 3% of words misread, 1 in 10 of those with high OCR confidence)",
    score(docs, ocrResults),
    ocrResults,
  );
  console.log(`speed: ${((pageCount * 1000) / ocrMs).toFixed(0)} pages/s extraction from blocks`);
}

function layouts(docs: CorpusDoc[]): string {
  const counts = new Map<string, number>();
  for (const doc of docs) counts.set(doc.layout, (counts.get(doc.layout) ?? 0) + 1);
  const health = docs.filter((doc) => doc.truth.productLine === "health").length;
  return `${[...counts].map(([name, n]) => `${name} ${n}`).join(", ")}; ${health} health, ${docs.length - health} motor`;
}

await main();
