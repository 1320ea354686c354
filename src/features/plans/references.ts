import { REFERENCE } from "../actions/operations";

/** A reference that cannot be filled in from the earlier steps' responses. */
export class UnresolvedReference extends Error {}

function lookup(results: ReadonlyMap<number, unknown>, step: number, path: string): unknown {
  if (!results.has(step)) throw new UnresolvedReference(`step ${step} has no result to use`);
  let value = results.get(step);
  for (const key of path.split(".").filter(Boolean)) {
    if (value === null || typeof value !== "object" || !(key in value)) {
      throw new UnresolvedReference(`step ${step}'s response has no ${path.slice(1)}`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Fills `{{steps.N.path}}` references from earlier steps' responses. A string that is exactly one
 * reference takes the referenced value as is (number, object…); inside longer text it is spliced in.
 */
export function resolveReferences(value: unknown, results: ReadonlyMap<number, unknown>): unknown {
  if (typeof value === "string") {
    const whole = new RegExp(`^${REFERENCE.source}$`).exec(value.trim());
    if (whole) return lookup(results, Number(whole[1]), whole[2] ?? "");
    return value.replace(new RegExp(REFERENCE.source, "g"), (_match, step: string, path: string) => {
      const found = lookup(results, Number(step), path ?? "");
      return typeof found === "string" ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, results));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveReferences(item, results)]),
    );
  }
  return value;
}
