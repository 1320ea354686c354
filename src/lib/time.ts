/** ISO 8601 text of a timestamp column that may be empty. */
export const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;
