import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogMarkdown } from "../../../src/features/analytics/catalog-docs";

// The formatter pads table cells; compare the cells, not the padding.
const cells = (markdown: string) =>
  markdown
    .split("\n")
    .map((line) =>
      line
        .replace(/\s*\|\s*/g, "|")
        .replace(/\|-+(?=\|)/g, "|-")
        .trim(),
    )
    .join("\n");

describe("docs/analytics.md", () => {
  it("lists every catalog metric with its definition, unit and dimensions (npm run docs:analytics after a change)", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../../docs/analytics.md"), "utf8");
    expect(cells(doc)).toContain(cells(catalogMarkdown()));
  });
});
