import { z } from "@hono/zod-openapi";

// Postgres `text` cannot hold U+0000 and `jsonb` refuses unpaired surrogates: a value with either is
// acknowledged and then fails every write (the outbox would retry it forever). Refused at the edge.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const UNSTORABLE_TEXT = "must not contain NUL (U+0000) or unpaired surrogate characters";

/** Whether Postgres can store `value` as text or inside jsonb. */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !UNPAIRED_SURROGATE.test(value);
}

/**
 * The one string schema of every HTTP body, query, parameter and socket frame: a string Postgres can
 * store. Chain `.min()`, `.max()`, `.trim()` and friends as with `z.string()`.
 */
export const text = () => z.string().refine(isStorableText, UNSTORABLE_TEXT);

/** Whether any string in a JSON value (keys included) cannot be stored. */
function hasUnstorableString(value: unknown): boolean {
  if (typeof value === "string") return !isStorableText(value);
  if (Array.isArray(value)) return value.some(hasUnstorableString);
  if (value !== null && typeof value === "object")
    return Object.entries(value).some(([key, v]) => !isStorableText(key) || hasUnstorableString(v));
  return false;
}

/**
 * A free-form JSON object (settings, metadata) with storable strings and a serialised size limit,
 * so one field can never make every later read of its row expensive.
 */
export const jsonObject = (maxBytes: number) =>
  z
    .record(z.string(), z.unknown())
    .refine((value) => !hasUnstorableString(value), UNSTORABLE_TEXT)
    .refine(
      (value) => new TextEncoder().encode(JSON.stringify(value)).byteLength <= maxBytes,
      `must be at most ${maxBytes} bytes as JSON`,
    );
