/** A parser's reading of a value: the value and how well the text fitted the expected format (0–1). */
export interface Parsed<T> {
  value: T;
  score: number;
}

export type Parser<T> = (raw: string) => Parsed<T> | null;
