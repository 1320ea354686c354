import type { ManualExtras, policies, policyUploads, StoredField } from "../../db/schema";
import type { ManualExtrasInput } from "./policies.schemas";
import { FIELD_KINDS, type StoredFields, toPaise, toRupees } from "./policy-fields";

type PolicyRow = typeof policies.$inferSelect;
type UploadRow = typeof policyUploads.$inferSelect;

const EXTRA_MONEY = ["brokerage", "cashback", "customerPaid"] as const;
const EXTRA_TEXT = [
  "executive",
  "opsExecutive",
  "callerName",
  "branch",
  "rollover",
  "remark",
  "customerChequeNo",
  "ourChequeNo",
] as const;

const isMoney = (name: string) => FIELD_KINDS[name as keyof typeof FIELD_KINDS] === "money";

/** A stored field as the API shows it (money in rupees). */
export function fieldView(name: string, field: StoredField): StoredField {
  return isMoney(name) && typeof field.value === "number"
    ? { ...field, value: toRupees(field.value) }
    : field;
}

/** API field values (money in rupees) as stored values (paise). */
export function storedValue(name: string, value: unknown): unknown {
  return isMoney(name) && typeof value === "number" ? toPaise(value) : value;
}

/** Manual extras from the API (rupees) as stored (paise); keys not sent are left out. */
export function storedExtras(input: ManualExtrasInput | undefined): ManualExtras {
  const extras: ManualExtras = {};
  if (!input) return extras;
  for (const key of EXTRA_TEXT) if (input[key] !== undefined) extras[key] = input[key];
  for (const key of EXTRA_MONEY) {
    const rupees = input[key];
    if (rupees !== undefined) extras[key] = rupees === null ? null : toPaise(rupees);
  }
  return extras;
}

export function policyView(row: PolicyRow) {
  const fields: StoredFields = {};
  for (const [name, field] of Object.entries(row.fields)) fields[name] = fieldView(name, field);
  const extras: Record<string, string | number | null> = {};
  for (const key of EXTRA_TEXT) extras[key] = row[key];
  for (const key of EXTRA_MONEY) {
    const paise = row[key];
    extras[key] = paise === null ? null : toRupees(paise);
  }
  return {
    id: row.id,
    status: row.status,
    source: row.source,
    uploadId: row.uploadId,
    newVehicle: row.newVehicle,
    fields,
    issues: row.issues,
    extras,
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    snapshot: {
      inSync: row.snapshotSyncedAt !== null,
      syncedAt: row.snapshotSyncedAt?.toISOString() ?? null,
      etag: row.snapshotEtag,
    },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const uploadStatusUrl = (id: string) => `/api/upload/${id}/status`;

export function uploadView(row: UploadRow, policyId: string | null) {
  return {
    id: row.id,
    filename: row.filename,
    sizeBytes: row.sizeBytes,
    status: row.status,
    pages: { done: row.pagesDone, total: row.pagesTotal },
    reason: row.reason,
    code: row.failureCode,
    attempts: row.attempts,
    policyId,
    statusUrl: uploadStatusUrl(row.id),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
