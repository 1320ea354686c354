import { z } from "@hono/zod-openapi";
import type { JsonObject } from "./json";

// Postgres `text` cannot hold U+0000 and `jsonb` refuses unpaired surrogates: a value with either is
// acknowledged and then fails every write (the outbox would retry it forever). Refused at the edge.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const UNSTORABLE_TEXT = "must not contain NUL (U+0000) or unpaired surrogate characters";

/** Whether Postgres can store `value` as text or inside jsonb. */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !UNPAIRED_SURROGATE.test(value);
}

// Built once: zod schemas are immutable (every `.min()`, `.openapi()`… returns a new one), and building
// a refined string is most of what 600 call sites cost a cold isolate at load.
const storableText = z.string().refine(isStorableText, UNSTORABLE_TEXT);

/**
 * The one string schema of every HTTP body, query, parameter and socket frame: a string Postgres can
 * store. Chain `.min()`, `.max()`, `.trim()` and friends as with `z.string()`.
 */
export const text = () => storableText;

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be replaced.
const UNSTORABLE_CHARS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A string from a platform we do not control (a channel's webhook, its API's answers): what Postgres
 * cannot store becomes U+FFFD, so one odd character never refuses a customer's whole delivery.
 */
export const platformText = () => z.string().transform((value) => value.replace(UNSTORABLE_CHARS, "\uFFFD"));

// Deeper JSON is refused before anything recursive (JSON.stringify, jsonb) sees it: 100,000 nested
// arrays fit in a 1 MiB body and overflow the stack of a recursive walk.
const MAX_DEPTH = 64;

/** What makes a JSON value unstorable (a string or key, or its depth), walked without recursion. */
function jsonProblem(value: unknown): string | undefined {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item === "string" && !isStorableText(item)) return UNSTORABLE_TEXT;
    if (item === null || typeof item !== "object") continue;
    if (depth >= MAX_DEPTH) return `must not nest deeper than ${MAX_DEPTH} levels`;
    for (const [key, child] of Object.entries(item)) {
      if (!isStorableText(key)) return UNSTORABLE_TEXT;
      pending.push([child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * A free-form JSON object (settings, metadata) with storable strings, a bounded depth and a
 * serialised size limit, so one field can never make every later read of its row expensive.
 */
export const jsonObject = (maxBytes: number) =>
  z.record(z.string(), z.unknown()).transform((value, ctx): JsonObject => {
    const problem = jsonProblem(value);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    // Serialised once: for the size, and typed back as the JSON it is (it came from a JSON body), so
    // it keeps its type across RPC.
    const json = JSON.stringify(value);
    if (new TextEncoder().encode(json).byteLength > maxBytes) {
      ctx.addIssue({ code: "custom", message: `must be at most ${maxBytes} bytes as JSON` });
      return z.NEVER;
    }
    return JSON.parse(json);
  });
