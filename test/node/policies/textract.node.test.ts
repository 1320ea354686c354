import type { Block } from "@aws-sdk/client-textract";
import { describe, expect, it } from "vitest";
import {
  extractPolicy,
  queriesConfig,
  queryAnswers,
  textractPages,
} from "../../../src/features/policies/extract";

function word(id: string, text: string, left: number, top: number, confidence = 99, page = 1): Block {
  return {
    BlockType: "WORD",
    Id: id,
    Text: text,
    Confidence: confidence,
    Page: page,
    Geometry: { BoundingBox: { Left: left, Top: top, Width: text.length * 0.009, Height: 0.011 } },
  };
}

function query(alias: string, answer?: { text: string; confidence: number; page?: number }): Block[] {
  const blocks: Block[] = [
    {
      BlockType: "QUERY",
      Id: `q-${alias}`,
      Query: { Text: "…", Alias: alias, Pages: ["*"] },
      ...(answer ? { Relationships: [{ Type: "ANSWER", Ids: [`r-${alias}`] }] } : {}),
    },
  ];
  if (answer) {
    blocks.push({
      BlockType: "QUERY_RESULT",
      Id: `r-${alias}`,
      Text: answer.text,
      Confidence: answer.confidence,
      Page: answer.page ?? 1,
    });
  }
  return blocks;
}

describe("Textract words", () => {
  it("become positioned items per page, words on one row joined into cells", () => {
    const pages = textractPages([
      word("a", "Policy", 0.06, 0.1),
      word("b", "No.", 0.12, 0.1),
      word("c", "AB12345678", 0.3, 0.1, 97),
      word("d", "TATA", 0.06, 0.05),
      word("e", "AIG", 0.11, 0.05),
      word("f", "Page", 0.06, 0.1, 99, 2),
    ]);
    expect(pages.map((page) => page.page)).toEqual([1, 2]);
    expect(pages[0]?.items[2]).toMatchObject({ str: "AB12345678", confidence: 0.97 });
    const { fields } = extractPolicy(pages, { source: "ocr" });
    expect(fields.policyNumber).toMatchObject({ value: "AB12345678", source: "ocr", page: 1 });
    expect(fields.insurer?.value).toBe("TATA AIG General Insurance");
  });

  it("a word OCR was unsure of makes its field uncertain", () => {
    const sure = extractPolicy(
      textractPages([
        word("a", "Policy", 0.06, 0.1),
        word("b", "No.", 0.12, 0.1),
        word("c", "AB12345678", 0.3, 0.1, 99),
      ]),
    );
    const unsure = extractPolicy(
      textractPages([
        word("a", "Policy", 0.06, 0.1),
        word("b", "No.", 0.12, 0.1),
        word("c", "AB12345678", 0.3, 0.1, 55),
      ]),
    );
    expect(unsure.fields.policyNumber?.confidence).toBeLessThan(0.6);
    expect(sure.fields.policyNumber?.confidence).toBeGreaterThan(0.9);
  });
});

describe("Textract queries", () => {
  it("asks at most 15 questions, on every page", () => {
    const { Queries } = queriesConfig();
    expect(Queries.length).toBeLessThanOrEqual(15);
    expect(Queries.every((q) => q.Pages.length === 1 && q.Pages[0] === "*")).toBe(true);
    expect(new Set(Queries.map((q) => q.Alias)).size).toBe(Queries.length);
  });

  it("reads answers from QUERY_RESULT blocks on a 0–1 scale; an unanswered or foreign query gives nothing", () => {
    const answers = queryAnswers([
      ...query("POLICY_NUMBER", { text: "AB12345678", confidence: 88, page: 2 }),
      ...query("IDV"),
      ...query("SOMETHING_ELSE", { text: "x", confidence: 99 }),
    ]);
    expect(answers).toEqual([{ key: "policyNumber", text: "AB12345678", confidence: 0.88, page: 2 }]);
  });

  it("an answer fills a field the layout did not give, parsed like any value, and never beats a reading it contradicts", () => {
    const pages = textractPages([
      word("a", "Total", 0.06, 0.2),
      word("b", "Premium", 0.12, 0.2),
      word("c", "11,800.00", 0.6, 0.2),
    ]);
    const answers = queryAnswers([
      ...query("POLICY_NUMBER", { text: "AB12345678", confidence: 90 }),
      ...query("TOTAL_PREMIUM", { text: "Rs. 18,100.00", confidence: 95 }),
      ...query("REGISTRATION", { text: "not a plate", confidence: 99 }),
      ...query("EXPIRY_DATE", { text: "01/04/2025 to 31/03/2026", confidence: 97 }),
    ]);
    const { fields } = extractPolicy(pages, { source: "ocr", queryAnswers: answers });
    expect(fields.policyNumber).toMatchObject({ value: "AB12345678", confidence: 0.855, source: "ocr" });
    expect(fields.vehicleNumber).toBeNull();
    expect(fields.expiryDate?.value).toBe("2026-03-31");
    // Two readings that disagree: the record is not trusted either way.
    expect(fields.totalPremium?.confidence).toBeLessThan(0.8);
  });
});
