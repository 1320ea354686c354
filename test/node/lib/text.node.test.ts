/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { isStorableText, jsonObject, text } from "../../../src/lib/text";

// Every source file's text, so a new `z.string()` at a boundary cannot slip past the shared schema.
const sources = import.meta.glob("../../../src/**/*.ts", { query: "?raw", import: "default", eager: true });

describe("the shared string schema", () => {
  it("refuses NUL and unpaired surrogates and keeps every other character", () => {
    for (const bad of ["a\u0000b", "\ud800", "x\udc00", "\udc00\ud800"])
      expect(isStorableText(bad)).toBe(false);
    for (const good of ["", "plain", "emoji 😀", "\u00e9\u4e2d\u2028", "\ud83d\ude00"])
      expect(isStorableText(good)).toBe(true);
    expect(text().max(3).safeParse("a\u0000").success).toBe(false);
    expect(text().max(3).safeParse("abcd").success).toBe(false);
    expect(text().max(3).safeParse("abc").success).toBe(true);
  });

  it("checks every string in free-form JSON, keys included, and its size", () => {
    const schema = jsonObject(64);
    expect(schema.safeParse({ a: [{ b: "ok" }] }).success).toBe(true);
    expect(schema.safeParse({ a: [{ b: "n\u0000" }] }).success).toBe(false);
    expect(schema.safeParse({ "k\u0000": 1 }).success).toBe(false);
    expect(schema.safeParse({ a: "x".repeat(100) }).success).toBe(false);
  });

  it("is the only string schema in src (env.ts parses configuration, not requests)", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const offenders = Object.entries(sources)
      .filter(([path]) => !path.endsWith("/lib/text.ts") && !path.endsWith("/src/env.ts"))
      .filter(([, source]) => /\bz\s*\.\s*string\s*\(/.test(String(source)))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
