import type { Database } from "../../db/client";
import type { Principal } from "../../lib/app-env";
import { CsvSyntaxError, parseCsv } from "../../lib/csv";
import { AppError } from "../../lib/errors";
import { isStorableText } from "../../lib/text";
import { findDates } from "./extract/parse-date";
import { parseAmount } from "./extract/parse-money";
import { ManualExtrasSchema, ManualPolicySchema } from "./policies.schemas";
import { createPolicy } from "./policies.service";
import { FIELD_KINDS, type FieldKind } from "./policy-fields";

/** The most data rows one import takes. */
export const IMPORT_MAX_ROWS = 1000;

const EXTRA_COLUMNS = Object.keys(ManualExtrasSchema.shape);
const MONEY_EXTRAS = new Set(["brokerage", "cashback", "customerPaid"]);

export type ImportedRow =
  | { line: number; status: "saved" | "needs_review"; policyId: string; issues: string[] }
  | { line: number; status: "refused"; reason: string };

/** A cell as the value the manual-entry schema takes; undefined when it cannot be read (the schema
 * then names the column). */
function cellValue(kind: FieldKind | "extraMoney" | "extraText", cell: string): unknown {
  switch (kind) {
    case "money":
    case "extraMoney": {
      const paise = parseAmount(cell);
      return paise ? paise.value / 100 : cell;
    }
    case "integer":
      return /^\d+$/.test(cell) ? Number(cell) : cell;
    case "date": {
      if (/^\d{4}-\d{2}-\d{2}$/.test(cell)) return cell;
      // Indian formats (12/03/2025, 12-Mar-2025, 12.03.2025), the cell holding one date and nothing else.
      const dates = /^[\w\s./-]{6,20}$/.test(cell) ? findDates(cell) : [];
      return dates.length === 1 ? dates[0] : cell;
    }
    case "line":
      return cell.toLowerCase();
    case "members":
      try {
        return JSON.parse(cell) as unknown;
      } catch {
        return cell;
      }
    default:
      return cell;
  }
}

function columnKind(column: string): FieldKind | "extraMoney" | "extraText" {
  if (column in FIELD_KINDS) return FIELD_KINDS[column as keyof typeof FIELD_KINDS];
  return MONEY_EXTRAS.has(column) ? "extraMoney" : "extraText";
}

/** The header: known, distinct column names (field names and manual extras), else the file is refused. */
function readHeader(cells: string[]): string[] {
  const header = cells.map((cell) => cell.trim());
  const unknown = header.filter((name) => !(name in FIELD_KINDS) && !EXTRA_COLUMNS.includes(name));
  if (unknown.length > 0)
    throw new AppError("bad_request", `Unknown column(s): ${unknown.join(", ")}`, {
      known: [...Object.keys(FIELD_KINDS), ...EXTRA_COLUMNS],
    });
  const twice = header.filter((name, index) => header.indexOf(name) !== index);
  if (twice.length > 0) throw new AppError("bad_request", `Column(s) named twice: ${twice.join(", ")}`);
  return header;
}

/** Imports policy records from CSV (header of field and extra names, money in rupees, one record per
 * row). Each row stands alone: a refused row is reported with its line and reason and the others go
 * on; an accepted row is saved or sent to review like a manual entry (duplicates flagged), audited. */
export async function importPolicies(db: Database, principal: Principal, csv: string) {
  if (!isStorableText(csv)) throw new AppError("bad_request", "The file holds NUL or invalid characters");
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new AppError("bad_request", `Not valid CSV: ${error.message}`);
    throw error;
  }
  const [head, ...rows] = records;
  if (!head) throw new AppError("bad_request", "The file is empty (a header row is expected)");
  const header = readHeader(head.cells);
  if (rows.length === 0) throw new AppError("bad_request", "The file has a header but no rows");
  if (rows.length > IMPORT_MAX_ROWS)
    throw new AppError(
      "bad_request",
      `At most ${IMPORT_MAX_ROWS} rows per import (this file has ${rows.length})`,
    );
  const results: ImportedRow[] = [];
  for (const row of rows) results.push(await importRow(db, principal, header, row));
  const count = (status: ImportedRow["status"]) => results.filter((row) => row.status === status).length;
  return {
    rows: results,
    saved: count("saved"),
    needsReview: count("needs_review"),
    refused: count("refused"),
  };
}

async function importRow(
  db: Database,
  principal: Principal,
  header: string[],
  row: { line: number; cells: string[] },
): Promise<ImportedRow> {
  const { line, cells } = row;
  if (cells.length !== header.length)
    return { line, status: "refused", reason: `${cells.length} cell(s); the header has ${header.length}` };
  const fields: Record<string, unknown> = {};
  const extras: Record<string, unknown> = {};
  header.forEach((column, index) => {
    const cell = cells[index]?.trim() ?? "";
    if (cell === "") return;
    const value = cellValue(columnKind(column), cell);
    if (column in FIELD_KINDS) fields[column] = value;
    else extras[column] = value;
  });
  const parsed = ManualPolicySchema.safeParse({ fields, extras });
  if (!parsed.success) {
    const reason = parsed.error.issues
      .map((issue) => `${String(issue.path[1] ?? issue.path[0] ?? "row")}: ${issue.message}`)
      .join("; ");
    return { line, status: "refused", reason };
  }
  if (Object.keys(parsed.data.fields).length === 0)
    return { line, status: "refused", reason: "No field values in the row" };
  const policy = await createPolicy(db, principal, parsed.data, "csv_import");
  return {
    line,
    status: policy.status === "saved" ? "saved" : "needs_review",
    policyId: policy.id,
    issues: policy.issues.map((issue) => issue.code),
  };
}
