/** One CSV record with the file line it starts on (1-based), for row-level error reports. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** Thrown for a file that is not CSV at all (an unclosed quote); a bad row is the caller's concern. */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number) {
    super(`Unclosed quote starting on line ${line}`);
  }
}

/** Parses RFC 4180 CSV (quoted cells may hold commas, quotes as "" and newlines; CRLF or LF). Blank
 * lines are skipped. */
export function parseCsv(source: string): CsvRecord[] {
  const input = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let start = 1;
  let quoted = false;
  let dirty = false;
  const endRecord = () => {
    cells.push(cell);
    if (dirty || cells.length > 1 || cell !== "") records.push({ line: start, cells });
    cells = [];
    cell = "";
    dirty = false;
  };
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === "\n") line++;
        cell += char;
      }
      continue;
    }
    if (char === '"') {
      quoted = true;
      dirty = true;
    } else if (char === ",") {
      cells.push(cell);
      cell = "";
      dirty = true;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && input[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else cell += char;
  }
  if (quoted) throw new CsvSyntaxError(start);
  endRecord();
  return records;
}

// A spreadsheet runs a cell that starts with one of these as a formula: such text is prefixed with '.
const FORMULA = /^[=+\-@\t\r]/;

function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV document (CRLF line ends, header first). */
export function toCsv(header: string[], rows: Array<Array<string | number | null>>): string {
  return [header, ...rows]
    .map((row) => row.map(csvCell).join(","))
    .join("\r\n")
    .concat("\r\n");
}
