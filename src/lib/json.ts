/**
 * Any JSON value, as the Workers RPC types let it through: `unknown` there turns a whole result into
 * `never`, and a recursive JSON type sends TypeScript into endless instantiation. `{}` is every value
 * but null and undefined (and JSON has no undefined).
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the point (any non-null value).
export type JsonValue = {} | null;
export type JsonObject = Record<string, JsonValue>;

/** Parses untrusted JSON (a frame, a header) for a zod schema to check: undefined when it is not JSON. */
export function parseJson(data: string | ArrayBuffer | null): unknown {
  if (data === null) return undefined;
  try {
    return JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
