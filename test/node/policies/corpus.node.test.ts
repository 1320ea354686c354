import { describe, expect, it } from "vitest";
import { extractPolicy, textractPages } from "../../../src/features/policies/extract";
import { pdfPages } from "../../../src/features/policies/extract/pdf-pages";
import { type CorpusDoc, generateDoc, LAYOUTS } from "../../support/policy-corpus";
import { corpusPdf } from "../../support/policy-corpus/pdf";
import { Random } from "../../support/policy-corpus/random";
import { scannedBlocks } from "../../support/policy-corpus/scan";

/** Fields read differently from the truth; a field printed under wording the lexicon does not know must be null. */
function mismatches(doc: CorpusDoc, pages = doc.pages): string[] {
  const { fields } = extractPolicy(pages, { currentYear: 2026 });
  return Object.entries(doc.truth).flatMap(([name, value]) => {
    const truth = doc.unseen.includes(name) ? null : value;
    const got = fields[name as keyof typeof fields]?.value ?? null;
    return JSON.stringify(got) === JSON.stringify(truth)
      ? []
      : [`${doc.id} ${doc.layout} ${name}: ${JSON.stringify(truth)} ≠ ${JSON.stringify(got)}`];
  });
}

describe("corpus layouts", () => {
  it.each(LAYOUTS)("reads every field of 25 %s schedules (motor and health, 1–2 pages)", (layout) => {
    const random = new Random(layout.length * 7919);
    const docs = Array.from({ length: 25 }, (_, index) => generateDoc(random, index, layout));
    expect(docs.some((doc) => doc.pages.length === 2)).toBe(true);
    expect(docs.some((doc) => doc.truth.productLine === "health")).toBe(true);
    expect(docs.flatMap((doc) => mismatches(doc))).toEqual([]);
  });

  it("is deterministic: the same seed gives the same documents", () => {
    const a = generateDoc(new Random(5), 0);
    const b = generateDoc(new Random(5), 0);
    expect(a.pages).toEqual(b.pages);
    expect(a.truth).toEqual(b.truth);
  });
});

describe("real PDFs through unpdf", () => {
  it.each(LAYOUTS)("a %s schedule drawn with pdf-lib reads back to its truth", async (layout) => {
    const random = new Random(layout.length * 104729);
    for (let index = 0; index < 3; index++) {
      const doc = generateDoc(random, index, layout);
      const pages = await pdfPages(await corpusPdf(doc.runs));
      expect(pages).toHaveLength(doc.runs.length);
      expect(mismatches(doc, pages)).toEqual([]);
    }
  });

  it("a corrupt file is refused by pdf.js, not read as an empty policy", async () => {
    await expect(pdfPages(new TextEncoder().encode("%PDF-1.7 not really"))).rejects.toThrow();
  });
});

describe("scans through Textract blocks", () => {
  it("a clean scan reads like the text layer, with source ocr", () => {
    const random = new Random(77);
    for (let index = 0; index < 10; index++) {
      const doc = generateDoc(random, index);
      const blocks = scannedBlocks(doc, random, { misreadRate: 0, confidentMisreadRate: 0 });
      const pages = textractPages(blocks);
      expect(mismatches(doc, pages)).toEqual([]);
      expect(extractPolicy(pages, { source: "ocr" }).fields.insurer?.source).toBe("ocr");
    }
  });

  it("a misread the OCR was unsure of never comes back with confidence ≥ 0.9", () => {
    const random = new Random(78);
    const wrongButConfident: string[] = [];
    for (let index = 0; index < 30; index++) {
      const doc = generateDoc(random, index);
      const pages = textractPages(scannedBlocks(doc, random, { misreadRate: 0.15, confidentMisreadRate: 0 }));
      const { fields } = extractPolicy(pages, { source: "ocr", currentYear: 2026 });
      for (const [name, field] of Object.entries(fields)) {
        const truth = doc.truth[name as keyof typeof doc.truth];
        if (field && field.confidence >= 0.9 && JSON.stringify(field.value) !== JSON.stringify(truth)) {
          wrongButConfident.push(
            `${doc.id} ${name}: ${JSON.stringify(truth)} ≠ ${JSON.stringify(field.value)}`,
          );
        }
      }
    }
    expect(wrongButConfident).toEqual([]);
  });
});
