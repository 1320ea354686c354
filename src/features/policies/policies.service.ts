import { and, asc, count, desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type PolicyStatus, policies, policyChanges, policyUploads, type StoredIssue } from "../../db/schema";
import type { Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { describeError, log } from "../../lib/logger";
import type { Storage } from "../../providers/storage";
import { policySaved, writeAnalytics } from "../analytics/analytics-events";
import { isUniqueViolation } from "../auth/auth.service";
import type { PolicyEdit } from "./policies.schemas";
import { policyView, storedExtras, storedValue } from "./policies.views";
import { columnsOf, type StoredFields } from "./policy-fields";
import { type PolicyFilters, policyConditions } from "./policy-filters";
import { duplicateIssue, duplicateOf, reviewIssues } from "./policy-review";
import { policySnapshotKey, snapshotDue } from "./policy-snapshots";

type PolicyRow = typeof policies.$inferSelect;
type Change = { field: string; oldValue: unknown; newValue: unknown };

export interface ListFilters extends PolicyFilters {
  offset: number;
  limit: number;
}

/** The tenant's records, newest first, filtered; offset-paginated with the total. */
export async function listPolicies(db: Database, tenantId: string, filters: ListFilters) {
  const where = and(...policyConditions(tenantId, filters));
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(policies)
      .where(where)
      .orderBy(desc(policies.createdAt), desc(policies.id))
      .limit(filters.limit)
      .offset(filters.offset),
    db.select({ n: count() }).from(policies).where(where),
  ]);
  const n = total?.n ?? 0;
  const next = filters.offset + rows.length;
  return { data: rows.map(policyView), total: n, nextOffset: next < n ? next : null };
}

/** A record of the tenant; another tenant's (or none) is a 404. */
export async function loadPolicy(db: Database, tenantId: string, id: string): Promise<PolicyRow> {
  const [row] = await db
    .select()
    .from(policies)
    .where(and(eq(policies.id, id), eq(policies.tenantId, tenantId)));
  if (!row) throw notFound("Policy");
  return row;
}

export const getPolicy = async (db: Database, tenantId: string, id: string) =>
  policyView(await loadPolicy(db, tenantId, id));

/** Field edits as manual provenance (confidence 1), with the changes they make. */
function applyFields(fields: StoredFields, edits: Record<string, unknown> | undefined) {
  const next: StoredFields = { ...fields };
  const changes: Change[] = [];
  for (const [name, input] of Object.entries(edits ?? {})) {
    if (input === undefined) continue;
    const value = storedValue(name, input);
    const old = fields[name]?.value ?? null;
    if (value === null) delete next[name];
    else next[name] = { value, confidence: 1, source: "manual", page: null };
    if (JSON.stringify(old) !== JSON.stringify(value) || fields[name]?.source !== "manual")
      changes.push({ field: name, oldValue: old, newValue: value });
  }
  return { fields: next, changes };
}

const actor = (principal: Principal) => ({ actorKind: principal.kind, actorId: principal.id });

const conflictOnDuplicate = (error: unknown): never => {
  if (isUniqueViolation(error))
    throw new AppError("conflict", "A saved record already has this insurer and policy number");
  throw error;
};

/** Edits fields (each becomes manual, confidence 1) and extras; every change is audited. A saved
 * record whose edit fails a check goes back to review. */
export async function editPolicy(db: Database, principal: Principal, id: string, edit: PolicyEdit) {
  const row = await loadPolicy(db, principal.tenantId, id);
  const { fields, changes } = applyFields(row.fields, edit.fields);
  const extras = storedExtras(edit.extras);
  for (const [key, value] of Object.entries(extras)) {
    const old = row[key as keyof typeof extras] ?? null;
    if (old !== value) changes.push({ field: key, oldValue: old, newValue: value });
  }
  const issues = await reviewIssues(db, row, fields);
  const status: PolicyStatus = row.status === "saved" && issues.length > 0 ? "needs_review" : row.status;
  if (status !== row.status) changes.push({ field: "status", oldValue: row.status, newValue: status });
  const updated = await db
    .transaction(async (tx) => {
      const [next] = await tx
        .update(policies)
        .set({ fields, issues, status, ...columnsOf(fields), ...extras })
        .where(eq(policies.id, row.id))
        .returning();
      if (changes.length > 0)
        await tx.insert(policyChanges).values(
          changes.map((change) => ({
            tenantId: row.tenantId,
            policyId: row.id,
            ...actor(principal),
            ...change,
          })),
        );
      return next && snapshotDue(tx, next);
    })
    .catch(conflictOnDuplicate);
  if (!updated) throw notFound("Policy");
  return policyView(updated);
}

/** A record entered by hand (or imported): every field manual; saved when it passes the checks, else in review. */
export async function createPolicy(
  db: Database,
  principal: Principal,
  input: { fields: Record<string, unknown>; extras?: PolicyEdit["extras"] },
  source: "manual_form" | "csv_import" = "manual_form",
) {
  const { fields } = applyFields({}, input.fields);
  const base = { id: null, tenantId: principal.tenantId, newVehicle: false, issues: [] };
  const issues = await reviewIssues(db, base, fields);
  const insert = (status: PolicyStatus, found: StoredIssue[]) =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(policies)
        .values({
          tenantId: principal.tenantId,
          status,
          source,
          fields,
          issues: found,
          ...columnsOf(fields),
          ...storedExtras(input.extras),
        })
        .returning();
      if (!row) throw new Error("policy insert returned nothing");
      await tx.insert(policyChanges).values({
        tenantId: row.tenantId,
        policyId: row.id,
        ...actor(principal),
        field: "status",
        oldValue: null,
        newValue: status,
      });
      if (status === "saved") await writeAnalytics(tx, row.tenantId, [policySaved(row, principal)]);
      return snapshotDue(tx, row);
    });
  const row = await insert(issues.length > 0 ? "needs_review" : "saved", issues).catch((error: unknown) =>
    isUniqueViolation(error)
      ? insert("needs_review", [
          ...issues,
          { field: "policyNumber", code: "duplicate", message: "Saved meanwhile" },
        ])
      : Promise.reject(error),
  );
  return policyView(row);
}

/** Review: saves the record (status saved, reviewer recorded). A human may confirm past a warning (a
 * looser plate format, an odd NCB, a copy still in review), never past a missing required field or
 * a policy number already saved. */
export async function confirmPolicy(db: Database, principal: Principal, id: string) {
  const row = await loadPolicy(db, principal.tenantId, id);
  if (row.status === "saved") return policyView(row);
  if (row.status !== "needs_review") throw new AppError("conflict", `The record is ${row.status}`);
  const issues = await reviewIssues(db, row, row.fields);
  const saved = await duplicateOf(db, row.tenantId, row.fields, row.id, ["saved"]);
  const blocking = [
    ...issues.filter((issue) => issue.code === "missing_required"),
    ...(saved ? [duplicateIssue(saved)] : []),
  ];
  if (blocking.length > 0) throw new AppError("conflict", "Fix these before confirming", blocking);
  return setStatus(db, principal, row, "saved", issues);
}

/** Review: rejects a record in review (it is kept, but never counted). */
export async function rejectPolicy(db: Database, principal: Principal, id: string) {
  const row = await loadPolicy(db, principal.tenantId, id);
  if (row.status === "rejected") return policyView(row);
  if (row.status !== "needs_review") throw new AppError("conflict", `The record is ${row.status}`);
  return setStatus(db, principal, row, "rejected", row.issues);
}

async function setStatus(
  db: Database,
  principal: Principal,
  row: PolicyRow,
  status: PolicyStatus,
  issues: StoredIssue[],
) {
  const updated = await db
    .transaction(async (tx) => {
      const [next] = await tx
        .update(policies)
        .set({
          status,
          issues,
          reviewedBy: principal.kind === "user" ? principal.id : null,
          reviewedAt: new Date(),
        })
        .where(eq(policies.id, row.id))
        .returning();
      await tx.insert(policyChanges).values({
        tenantId: row.tenantId,
        policyId: row.id,
        ...actor(principal),
        field: "status",
        oldValue: row.status,
        newValue: status,
      });
      if (next && status === "saved") await writeAnalytics(tx, row.tenantId, [policySaved(next, principal)]);
      return next && snapshotDue(tx, next);
    })
    .catch(conflictOnDuplicate);
  if (!updated) throw notFound("Policy");
  return policyView(updated);
}

/** Deletes the record, its stored snapshot, and the upload and stored PDF it came from. */
export async function deletePolicy(
  deps: { db: Database; storage: Storage; prefix: string },
  tenantId: string,
  id: string,
) {
  const row = await loadPolicy(deps.db, tenantId, id);
  await deps.db.delete(policies).where(eq(policies.id, row.id));
  const keys = [policySnapshotKey(deps.prefix, tenantId, row.id)];
  if (row.uploadId) {
    const [upload] = await deps.db
      .delete(policyUploads)
      .where(eq(policyUploads.id, row.uploadId))
      .returning();
    if (upload) keys.push(upload.storageKey);
  }
  // The row is gone already; a file storage keeps (it is down) is swept with the tenant's prefix.
  await deps.storage.delete(keys).catch((error: unknown) =>
    log("warn", "policy files not deleted", {
      policyId: row.id,
      keys: keys.length,
      ...describeError(error),
    }),
  );
}

/** The stored key of the PDF a record was read from; 404 for a record entered by hand. */
export async function policyDocumentKey(db: Database, tenantId: string, id: string) {
  const row = await loadPolicy(db, tenantId, id);
  if (!row.uploadId) throw new AppError("not_found", "This record was not read from a document");
  const [upload] = await db.select().from(policyUploads).where(eq(policyUploads.id, row.uploadId));
  if (!upload) throw new AppError("not_found", "The document is gone");
  return upload;
}

/** The record's audit trail, oldest first: who changed which field when, old and new (money in paise). */
export async function listChanges(db: Database, tenantId: string, id: string) {
  const row = await loadPolicy(db, tenantId, id);
  const rows = await db
    .select()
    .from(policyChanges)
    .where(eq(policyChanges.policyId, row.id))
    .orderBy(asc(policyChanges.createdAt), asc(policyChanges.id));
  return {
    data: rows.map((change) => ({
      field: change.field,
      oldValue: change.oldValue ?? null,
      newValue: change.newValue ?? null,
      actor: { kind: change.actorKind, id: change.actorId },
      at: change.createdAt.toISOString(),
    })),
  };
}
