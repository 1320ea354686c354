import { describe, expect, it } from "vitest";
import { chunkPage, splitLong } from "../../../src/features/documents/chunking";
import { csvBlocks, htmlBlocks, markdownBlocks } from "../../../src/features/documents/extract/text";
import { detectKind } from "../../../src/features/documents/file-type";
import { AppError } from "../../../src/lib/errors";
import { docx } from "../../support/files";

const sentence = (i: number) => `Sentence number ${i} explains one more detail of the cover.`;

describe("chunking", () => {
  it("starts a chunk at every heading and labels the chunks after it, also on the next page", () => {
    const page1 = chunkPage(
      [
        { kind: "heading", text: "Scope" },
        { kind: "paragraph", text: "What is covered." },
        { kind: "heading", text: "Exclusions" },
        { kind: "paragraph", text: "What is not." },
      ],
      null,
    );
    expect(page1.chunks).toEqual([
      { heading: "Scope", content: "What is covered." },
      { heading: "Exclusions", content: "What is not." },
    ]);
    const page2 = chunkPage([{ kind: "paragraph", text: "More exclusions." }], page1.heading);
    expect(page2.chunks).toEqual([{ heading: "Exclusions", content: "More exclusions." }]);
  });

  it("drops NUL characters, which Postgres text cannot store", () => {
    const { chunks } = chunkPage(
      [
        { kind: "heading", text: "Sco\u0000pe" },
        { kind: "paragraph", text: "Cov\u0000ered\u0000." },
      ],
      null,
    );
    expect(chunks).toEqual([{ heading: "Scope", content: "Covered." }]);
  });

  it("packs paragraphs up to the size limit, splits long ones at sentences and overlaps consecutive chunks", () => {
    const long = Array.from({ length: 40 }, (_, i) => sentence(i)).join(" ");
    const { chunks } = chunkPage([{ kind: "paragraph", text: long }], "Cover", {
      maxChars: 400,
      overlapChars: 80,
    });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual(400);
    for (let i = 1; i < chunks.length; i++) {
      const previousEnd = chunks[i - 1]?.content.split(/(?<=\.)\s+/).at(-1) ?? "";
      expect(
        chunks[i]?.content.startsWith(previousEnd),
        `chunk ${i} overlaps the end of chunk ${i - 1}`,
      ).toBe(true);
    }
    const text = chunks.map((chunk) => chunk.content).join(" ");
    for (let i = 0; i < 40; i++) expect(text).toContain(sentence(i));
  });

  it("cuts a sentence without punctuation at spaces", () => {
    const pieces = splitLong("word ".repeat(300).trim(), 100);
    expect(pieces.every((piece) => piece.length <= 100 && !piece.startsWith(" "))).toBe(true);
    expect(pieces.join(" ").split(" ")).toHaveLength(300);
  });
});

describe("plain formats", () => {
  it("keeps Markdown and HTML headings and drops scripts", () => {
    expect(markdownBlocks("# Title\n\nIntro text.\n\n## Part ##\nBody")).toEqual([
      { kind: "heading", text: "Title" },
      { kind: "paragraph", text: "Intro text." },
      { kind: "heading", text: "Part" },
      { kind: "paragraph", text: "Body" },
    ]);
    expect(
      htmlBlocks("<h2>Hi &amp; bye</h2><script>x()</script><p>One<br>two</p><ul><li>three</li></ul>"),
    ).toEqual([
      { kind: "heading", text: "Hi & bye" },
      { kind: "paragraph", text: "One\ntwo" },
      { kind: "paragraph", text: "three" },
    ]);
  });

  it("turns CSV rows into header: value pairs, honouring quotes", () => {
    expect(csvBlocks('name;note\n"Smith, J";"said ""hi"""\n')).toEqual([
      { kind: "paragraph", text: 'name: Smith, J; note: said "hi"' },
    ]);
  });

  it("detects kinds from content and refuses what it cannot read", () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(detectKind(text("%PDF-1.7\n..."))).toBe("pdf");
    expect(detectKind(docx([{ text: "x" }]))).toBe("docx");
    expect(detectKind(text("<!DOCTYPE html><html><body>x</body></html>"))).toBe("html");
    expect(detectKind(text("a,b,c\n1,2,3\n4,5,6\n"))).toBe("csv");
    expect(detectKind(text("# Heading\n\ntext"))).toBe("md");
    expect(detectKind(text("Just a note, nothing more."))).toBe("txt");
    expect(() => detectKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toThrow(AppError);
    expect(() => detectKind(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toThrow(/ZIP archive/);
    expect(() => detectKind(new Uint8Array([0xc3, 0x28, 0x41]))).toThrow(/binary data/);
  });
});
