/** The placeholders a canned response may use, and nothing else (an unknown one is refused on save). */
export const PLACEHOLDERS = ["contact.name", "contact.email", "agent.name", "conversation.id"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders in `text` that are not known (empty: the text is fine). */
export function unknownPlaceholders(text: string): string[] {
  const names = [...text.matchAll(PATTERN)].map((m) => m[1] ?? "");
  return [...new Set(names.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name)))];
}

/**
 * Fills the placeholders: a missing value becomes empty, never invented text. An unknown one (saved
 * before the list changed) is left as written, so the sender sees it rather than a silent gap.
 */
export function renderPlaceholders(
  text: string,
  values: Partial<Record<Placeholder, string | null>>,
): string {
  return text.replace(PATTERN, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? (values[name as Placeholder] ?? "") : whole,
  );
}
