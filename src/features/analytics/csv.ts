/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; formula-like text defused. */
function field(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  // A spreadsheet would run a cell starting with = + - @ as a formula (numbers stay numbers).
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document from a header and rows. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return `${[header, ...rows].map((row) => row.map(field).join(",")).join("\r\n")}\r\n`;
}

/** Whether the client asked for CSV rather than JSON. */
export const wantsCsv = (accept: string | undefined) => /\btext\/csv\b/i.test(accept ?? "");

/** A report in long form: one row per value (section, key, bucket, metric, value). */
export function reportCsv(report: {
  totals: Record<string, number | null>;
  series?: { metric: string; points: { t: string; v: number | null }[] }[];
  tables?: { name: string; columns: string[]; rows: { key: string | null; values: (number | null)[] }[] }[];
}): string {
  const rows: (string | number | null)[][] = [];
  for (const [metric, value] of Object.entries(report.totals))
    rows.push(["totals", null, null, metric, value]);
  for (const series of report.series ?? [])
    for (const point of series.points) rows.push(["series", null, point.t, series.metric, point.v]);
  for (const table of report.tables ?? [])
    for (const row of table.rows)
      for (const [i, column] of table.columns.entries())
        rows.push([table.name, row.key, null, column, row.values[i] ?? null]);
  return toCsv(["section", "key", "bucket", "metric", "value"], rows);
}
