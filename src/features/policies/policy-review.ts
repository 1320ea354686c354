import { and, eq, inArray, ne } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type PolicyStatus, policies, type StoredIssue } from "../../db/schema";
import { isUniqueViolation } from "../auth/auth.service";
import { validatePolicy } from "./extract";
import { checkedFields, type StoredFields } from "./policy-fields";

/** Issues about the document rather than a field's value; they stay until a human confirms. */
const DOCUMENT_ISSUES = new Set(["scanned_pages"]);

/** Another record of the tenant (in review or saved) with the same insurer and policy number. */
export async function duplicateOf(
  db: Database,
  tenantId: string,
  fields: StoredFields,
  exceptId: string | null,
  statuses: PolicyStatus[] = ["needs_review", "saved"],
): Promise<string | null> {
  const insurer = fields.insurer?.value;
  const number = fields.policyNumber?.value;
  if (typeof insurer !== "string" || typeof number !== "string") return null;
  const conditions = [
    eq(policies.tenantId, tenantId),
    eq(policies.insurer, insurer),
    eq(policies.policyNumber, number),
    inArray(policies.status, statuses),
  ];
  if (exceptId) conditions.push(ne(policies.id, exceptId));
  const [found] = await db
    .select({ id: policies.id })
    .from(policies)
    .where(and(...conditions))
    .limit(1);
  return found?.id ?? null;
}

export const duplicateIssue = (otherId: string): StoredIssue => ({
  field: "policyNumber",
  code: "duplicate",
  message: `This insurer's policy number is already on file (policy ${otherId})`,
});

/** Every reason the record needs review: the engine's checks on the current fields, a duplicate on
 * file, and the document-level issues found at extraction. */
export async function reviewIssues(
  db: Database,
  record: { id: string | null; tenantId: string; newVehicle: boolean; issues: StoredIssue[] },
  fields: StoredFields,
): Promise<StoredIssue[]> {
  const checks = validatePolicy(checkedFields(fields), {
    newVehicle: record.newVehicle,
    currentYear: new Date().getUTCFullYear(),
  });
  const duplicate = await duplicateOf(db, record.tenantId, fields, record.id);
  return [
    ...record.issues.filter((issue) => DOCUMENT_ISSUES.has(issue.code)),
    ...checks,
    ...(duplicate ? [duplicateIssue(duplicate)] : []),
  ];
}

/** Runs a write that may save a record; a policy number saved meanwhile by another record (the
 * partial unique index) becomes a 'duplicate' issue instead of a second saved record. */
export async function unlessSavedTwice<T>(write: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return fallback();
  }
}
