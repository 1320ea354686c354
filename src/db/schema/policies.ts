import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants, users } from "./identity";

export const policyStatuses = [
  "uploaded",
  "extracting",
  "needs_review",
  "saved",
  "rejected",
  "failed",
] as const;
export type PolicyStatus = (typeof policyStatuses)[number];
export const uploadStatuses = ["uploaded", "extracting", "extracted", "failed"] as const;
export type UploadStatus = (typeof uploadStatuses)[number];
/** Why an upload failed, for clients to act on (the reason says it in words). */
export const uploadFailureCodes = [
  "file_missing",
  "unreadable_pdf",
  "encrypted_pdf",
  "textract_failed",
  "retries_exhausted",
] as const;
export type UploadFailureCode = (typeof uploadFailureCodes)[number];
export const policySources = ["pdf_upload", "manual_form", "csv_import"] as const;
export type PolicySource = (typeof policySources)[number];
export const provenanceSources = ["text", "ocr", "llm", "manual"] as const;
export type ProvenanceSource = (typeof provenanceSources)[number];

/** One field as stored: its value (money in paise, dates ISO), how sure and where from. */
export interface StoredField {
  value: unknown;
  confidence: number;
  source: ProvenanceSource;
  page: number | null;
}

/** A reason the record needs a human look (the engine's checks, or a duplicate on file). */
export interface StoredIssue {
  field: string;
  code: string;
  message: string;
}

/** Sales fields the back office adds to a record ("manual extras"); money in paise. */
export interface ManualExtras {
  executive?: string | null;
  opsExecutive?: string | null;
  callerName?: string | null;
  branch?: string | null;
  rollover?: string | null;
  remark?: string | null;
  brokerage?: number | null;
  cashback?: number | null;
  customerPaid?: number | null;
  customerChequeNo?: string | null;
  ourChequeNo?: string | null;
}

const money = () => bigint({ mode: "number" });

/**
 * A policy schedule uploaded for extraction. `generation` grows with every (re)process request, so a
 * stale queue message is recognised; `extras` are the manual extras sent with the upload.
 */
export const policyUploads = pgTable(
  "policy_uploads",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    filename: text().notNull(),
    sizeBytes: bigint({ mode: "number" }).notNull(),
    storageKey: text().notNull(),
    extras: jsonb().$type<ManualExtras>().notNull().default({}),
    status: text().$type<UploadStatus>().notNull().default("uploaded"),
    generation: integer().notNull().default(1),
    pagesTotal: integer(),
    pagesDone: integer().notNull().default(0),
    attempts: integer().notNull().default(0),
    reason: text(),
    failureCode: text().$type<UploadFailureCode>(),
    uploadedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId, t.createdAt)],
);

/**
 * A policy record. `fields` is the provenance of every extracted or entered field (the values with
 * their confidence, source and page); the typed columns are the same values, written together with it,
 * for filters and uniqueness. A policy number is saved at most once per tenant and insurer.
 */
export const policies = pgTable(
  "policies",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    uploadId: uuid().references(() => policyUploads.id, { onDelete: "set null" }),
    status: text().$type<PolicyStatus>().notNull(),
    source: text().$type<PolicySource>().notNull(),
    fields: jsonb().$type<Record<string, StoredField>>().notNull().default({}),
    issues: jsonb().$type<StoredIssue[]>().notNull().default([]),
    newVehicle: boolean().notNull().default(false),
    productLine: text(),
    policyNumber: text(),
    insurer: text(),
    productType: text(),
    issueDate: date({ mode: "string" }),
    startDate: date({ mode: "string" }),
    expiryDate: date({ mode: "string" }),
    netOd: money(),
    tpPremium: money(),
    netPremium: money(),
    gstAmount: money(),
    totalPremium: money(),
    customerName: text(),
    mobile: text(),
    email: text(),
    vehicleNumber: text(),
    make: text(),
    model: text(),
    variant: text(),
    fuelType: text(),
    cc: integer(),
    manufacturingYear: integer(),
    engineNumber: text(),
    chassisNumber: text(),
    idv: money(),
    ncbPercent: integer(),
    previousPolicyNumber: text(),
    previousInsurer: text(),
    planName: text(),
    sumInsured: money(),
    members: jsonb().$type<Array<{ name: string; dob: string | null; relation: string | null }>>(),
    executive: text(),
    opsExecutive: text(),
    callerName: text(),
    branch: text(),
    rollover: text(),
    remark: text(),
    brokerage: money(),
    cashback: money(),
    customerPaid: money(),
    customerChequeNo: text(),
    ourChequeNo: text(),
    reviewedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    reviewedAt: timestamp({ withTimezone: true }),
    /** Grows with every change; the JSON snapshot in storage is in sync when it holds this version. */
    snapshotVersion: integer().notNull().default(0),
    /** When the current version's snapshot was written (null: not yet, the outbox holds it). */
    snapshotSyncedAt: timestamp({ withTimezone: true }),
    /** SHA-256 (hex) of the snapshot written. */
    snapshotEtag: text(),
    ...timestamps,
  },
  (t) => [
    index().on(t.tenantId, t.createdAt),
    index().on(t.tenantId, t.status),
    index().on(t.tenantId, t.insurer, t.policyNumber),
    index().on(t.tenantId, t.issueDate),
    uniqueIndex("policies_upload_key").on(t.uploadId),
    uniqueIndex("policies_saved_number_key")
      .on(t.tenantId, t.insurer, t.policyNumber)
      .where(sql`status = 'saved'`),
  ],
);

/**
 * The snapshot outbox: a policy whose JSON snapshot in storage is behind. Written in the same
 * transaction as the change (one row per policy, holding the version to write); the snapshot consumer
 * deletes it once that version is stored, and a cron re-queues rows left behind (storage down).
 */
export const policySnapshotOutbox = pgTable(
  "policy_snapshot_outbox",
  {
    policyId: uuid()
      .primaryKey()
      .references(() => policies.id, { onDelete: "cascade" }),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    attempts: integer().notNull().default(0),
    lastError: text(),
    ...timestamps,
  },
  (t) => [index().on(t.updatedAt)],
);

/** Every change to a policy's fields or status: who, when, which field, old and new value. */
export const policyChanges = pgTable(
  "policy_changes",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    policyId: uuid()
      .notNull()
      .references(() => policies.id, { onDelete: "cascade" }),
    /** Who: "user" or "api_key" with its id, or "system" (extraction) with none. */
    actorKind: text().notNull(),
    actorId: uuid(),
    field: text().notNull(),
    oldValue: jsonb().$type<unknown>(),
    newValue: jsonb().$type<unknown>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.policyId, t.createdAt)],
);

/** The founder dashboard's settings, one row per tenant (absent: the defaults); money in paise. */
export const dashboardSettings = pgTable("dashboard_settings", {
  tenantId: uuid()
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  brokeragePercent: doublePrecision().notNull().default(15),
  repDailyCost: money().notNull().default(200_000),
  expectedConversion: doublePrecision().notNull().default(25),
  premiumGrowth: doublePrecision().notNull().default(10),
  ...timestamps,
});
