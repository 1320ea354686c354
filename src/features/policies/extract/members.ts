import type { LabelHit } from "./labels";
import type { Cell, Layout } from "./layout";
import { parseDate } from "./parse-date";
import { parseName } from "./parse-text";
import type { FieldValue, Member } from "./types";

type Column = "memberName" | "memberDob" | "memberRelation";
// Header cells that are not member columns (serial number, gender, PED) still bound the columns.
type HeaderCell = { cell: Cell; key: Column | null };

/** The insured members of a health schedule: rows under a table header with a name column and a date
 * of birth or relation column, read column by column until the table ends. */
export function extractMembers(layout: Layout, labelled: Map<number, LabelHit>): FieldValue<Member[]> | null {
  for (const pageLines of layout.lines) {
    for (const [index, line] of pageLines.entries()) {
      const header = line.map((cell) => {
        const hit = labelled.get(cell.id);
        return { cell, key: hit && isColumn(hit.key) && !hit.rest ? hit.key : null };
      });
      const keys = new Set(header.flatMap((column) => (column.key ? [column.key] : [])));
      if (!keys.has("memberName") || keys.size < 2) continue;
      const { members, confidence, doubtful } = readRows(pageLines, index, header, labelled);
      if (members.length === 0) continue;
      return {
        value: members,
        confidence: Math.round(0.92 * confidence * (doubtful ? 0.6 : 1) * 1000) / 1000,
        source: layout.source,
        page: line[0]?.page ?? 1,
      };
    }
  }
  return null;
}

function readRows(
  lines: Cell[][],
  headerIndex: number,
  header: HeaderCell[],
  labelled: Map<number, LabelHit>,
): { members: Member[]; confidence: number; doubtful: boolean } {
  const members: Member[] = [];
  let confidence = 1;
  // A row that looks like a member but does not read as one: the table may be cut short.
  let doubtful = false;
  let previous = lines[headerIndex]?.[0];
  for (const row of lines.slice(headerIndex + 1)) {
    const first = row[0];
    if (!first || !previous || first.top - (previous.top + previous.height) > previous.height * 2.5) break;
    if (row.some((cell) => labelled.has(cell.id))) break;
    const values: Partial<Record<Column, string>> = {};
    for (const cell of row) {
      const column = columnOf(cell, header);
      if (column) values[column] = values[column] ? `${values[column]} ${cell.text}` : cell.text;
    }
    const name = parseName(values.memberName ?? "");
    if (!name || /\d{3,}/.test(name.value)) break;
    const dob = values.memberDob ? parseDate(values.memberDob) : null;
    if (header.some((column) => column.key === "memberDob") && !dob) {
      doubtful = values.memberDob !== undefined;
      break;
    }
    confidence = Math.min(confidence, ...row.map((cell) => cell.confidence));
    const relation = values.memberRelation ? parseName(values.memberRelation) : null;
    members.push({ name: name.value, dob: dob?.value ?? null, relation: relation?.value ?? null });
    previous = first;
  }
  return { members, confidence, doubtful };
}

/** Left-aligned columns: a cell belongs to the last header that starts before it (with a little slack). */
function columnOf(cell: Cell, header: HeaderCell[]): Column | null {
  let found: Column | null = null;
  for (const column of [...header].sort((a, b) => a.cell.x0 - b.cell.x0)) {
    if (column.cell.x0 <= cell.x0 + column.cell.height) found = column.key;
    else break;
  }
  return found;
}

function isColumn(key: string): key is Column {
  return key === "memberName" || key === "memberDob" || key === "memberRelation";
}
