/** Parses untrusted JSON (a frame, a header) for a zod schema to check: undefined when it is not JSON. */
export function parseJson(data: string | ArrayBuffer | null): unknown {
  if (data === null) return undefined;
  try {
    return JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
