import { z } from "@hono/zod-openapi";
import {
  policySources,
  policyStatuses,
  provenanceSources,
  uploadFailureCodes,
  uploadStatuses,
} from "../../db/schema";
import { jsonObject, text } from "../../lib/text";
import { insurerNamed } from "./extract";
import { FIELD_KINDS, type FieldKind } from "./policy-fields";
import { PolicyFilterShape, rangesInOrder } from "./policy-filters";

/** Rupees with at most two decimals (stored as integer paise). */
export const Rupees = z
  .number()
  .min(0)
  .max(1e11)
  .refine((rupees) => Math.abs(rupees * 100 - Math.round(rupees * 100)) < 1e-6, "at most two decimals")
  .openapi({ description: "Rupees, at most two decimals (stored as paise)", example: 12345.67 });

const shortText = (max = 200) => text().trim().min(1).max(max);

export const ManualExtrasSchema = z
  .object({
    executive: shortText().nullable(),
    opsExecutive: shortText().nullable(),
    callerName: shortText().nullable().openapi({ description: "The rep who sold the policy" }),
    branch: shortText().nullable(),
    rollover: shortText(60).nullable().openapi({ example: "Rollover" }),
    remark: shortText(2000).nullable(),
    brokerage: Rupees.nullable(),
    cashback: Rupees.nullable(),
    customerPaid: Rupees.nullable(),
    customerChequeNo: shortText(60).nullable(),
    ourChequeNo: shortText(60).nullable(),
  })
  .partial()
  .strict()
  .openapi("PolicyManualExtras", { example: { callerName: "Asha", branch: "Pune", cashback: 500 } });
export type ManualExtrasInput = z.infer<typeof ManualExtrasSchema>;

const ExtrasField = text()
  .max(16_384)
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "manualExtras must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(jsonObject(16_384))
  .pipe(ManualExtrasSchema)
  .openapi({ type: "string", description: 'Manual extras as a JSON string, e.g. {"callerName":"Asha"}' });

export const PolicyUploadForm = z
  .object({
    file: z
      .instanceof(File, { message: "file is required (a multipart file field)" })
      .openapi({ type: "string", format: "binary", description: "The policy schedule (PDF)" }),
    manualExtras: ExtrasField.optional(),
  })
  .openapi("PolicyUploadForm");

const Pages = z.object({ done: z.number().int(), total: z.number().int().nullable() });

export const UploadSchema = z
  .object({
    id: z.uuid(),
    filename: text(),
    sizeBytes: z.number().int(),
    status: z.enum(uploadStatuses).openapi({ description: "uploaded → extracting → extracted | failed" }),
    pages: Pages,
    reason: text().nullable().openapi({ description: "Why it failed", example: "The PDF is encrypted" }),
    code: z.enum(uploadFailureCodes).nullable().openapi({
      description:
        "Why it failed, as a code: file_missing, unreadable_pdf, encrypted_pdf, textract_failed (Textract's job failed; see reason), retries_exhausted",
      example: "textract_failed",
    }),
    attempts: z.number().int(),
    policyId: z.uuid().nullable().openapi({ description: "The record made from it, once extracted" }),
    statusUrl: text(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("PolicyUpload");

export const UploadStateSchema = z
  .object({
    id: z.uuid(),
    state: z.enum(policyStatuses).openapi({
      description:
        "uploaded → extracting → needs_review → saved | rejected; failed (see reason). Once extracted, the record's status",
    }),
    pages: Pages,
    reason: text().nullable(),
    code: z.enum(uploadFailureCodes).nullable().openapi({
      description:
        "Why it failed, as a code: file_missing, unreadable_pdf, encrypted_pdf, textract_failed (Textract's job failed; see reason), retries_exhausted",
      example: "textract_failed",
    }),
    policyId: z.uuid().nullable(),
  })
  .openapi("PolicyUploadStatus");

export const UploadAcceptedSchema = z
  .object({ upload: UploadSchema, statusUrl: text() })
  .openapi("PolicyUploadAccepted");

export const UploadPageSchema = z
  .object({ data: z.array(UploadSchema), total: z.number().int() })
  .openapi("PolicyUploadPage");

const MemberSchema = z
  .object({
    name: shortText(),
    dob: z.iso.date().nullable(),
    relation: shortText(60).nullable(),
  })
  .strict();

const normalisedPlate = shortText(20).transform((plate) => plate.toUpperCase().replace(/[\s.-]/g, ""));
const canonicalInsurer = shortText().transform((name, ctx) => {
  const insurer = insurerNamed(name);
  if (insurer) return insurer.name;
  ctx.addIssue({ code: "custom", message: "Not an insurer in the registry" });
  return z.NEVER;
});

const valueSchemas: Record<FieldKind, z.ZodType> = {
  text: shortText(300),
  money: Rupees,
  integer: z.number().int().min(0).max(100_000),
  date: z.iso.date(),
  line: z.enum(["motor", "health"]),
  members: z.array(MemberSchema).max(50),
};

const fieldShape = Object.fromEntries(
  Object.entries(FIELD_KINDS).map(([name, kind]) => {
    const schema =
      name === "vehicleNumber" ? normalisedPlate : name === "insurer" ? canonicalInsurer : valueSchemas[kind];
    return [name, schema.nullable().optional()];
  }),
);

/** Field edits: each named field is set (null clears it); money in rupees. */
export const FieldEditsSchema = z
  .object(fieldShape)
  .strict()
  .openapi("PolicyFieldEdits", {
    example: { ncbPercent: 25, totalPremium: 14002.2, vehicleNumber: "MH12AB1234" },
  });

export const PolicyEditSchema = z
  .object({ fields: FieldEditsSchema.optional(), extras: ManualExtrasSchema.optional() })
  .strict()
  .refine((edit) => edit.fields || edit.extras, "Send fields or extras to change")
  .openapi("PolicyEdit");
export type PolicyEdit = z.infer<typeof PolicyEditSchema>;

const FieldSchema = z
  .object({
    value: z.unknown().openapi({ description: "Typed value; money in rupees, dates ISO" }),
    confidence: z.number().openapi({ example: 0.97 }),
    source: z.enum(provenanceSources),
    page: z.number().int().nullable(),
  })
  .openapi("PolicyField");

const IssueSchema = z.object({ field: text(), code: text(), message: text() }).openapi("PolicyIssue", {
  example: { field: "ncbPercent", code: "ncb_slab", message: "NCB is not 0/20/…" },
});

export const PolicySchema = z
  .object({
    id: z.uuid(),
    status: z.enum(policyStatuses),
    source: z.enum(policySources),
    uploadId: z.uuid().nullable(),
    newVehicle: z.boolean(),
    fields: z.record(text(), FieldSchema).openapi({ description: "Provenance of every known field" }),
    issues: z.array(IssueSchema).openapi({ description: "Why it needs review (empty when none)" }),
    extras: ManualExtrasSchema,
    reviewedAt: z.iso.datetime().nullable(),
    snapshot: z
      .object({
        inSync: z.boolean().openapi({ description: "The JSON snapshot in storage holds this version" }),
        syncedAt: z.iso.datetime().nullable(),
        etag: text().nullable().openapi({ description: "SHA-256 (hex) of the stored snapshot" }),
      })
      .openapi({ description: "The record's JSON copy in object storage (the row is the record of truth)" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Policy");

export const PolicyPageSchema = z
  .object({ data: z.array(PolicySchema), total: z.number().int(), nextOffset: z.number().int().nullable() })
  .openapi("PolicyPage");

export const ListPoliciesQuery = z
  .object({
    ...PolicyFilterShape,
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine(rangesInOrder, { message: "A range starts after it ends", path: ["from"] });

export const ListUploadsQuery = z.object({
  status: z.enum(uploadStatuses).optional(),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const ManualPolicySchema = z
  .object({ fields: FieldEditsSchema, extras: ManualExtrasSchema.optional() })
  .strict()
  .openapi("ManualPolicy", {
    example: {
      fields: { productLine: "motor", policyNumber: "3001/123456/00/000", insurer: "TATA AIG" },
      extras: { callerName: "Asha" },
    },
  });

export const ChangesSchema = z
  .object({
    data: z.array(
      z.object({
        field: text().openapi({ example: "ncbPercent" }),
        oldValue: z.unknown(),
        newValue: z.unknown(),
        actor: z.object({
          kind: text().openapi({ description: "user, api_key, or system (extraction)" }),
          id: z.uuid().nullable(),
        }),
        at: z.iso.datetime(),
      }),
    ),
  })
  .openapi("PolicyChanges", { description: "Stored values: money in paise" });

export const ImportResultSchema = z
  .object({
    rows: z.array(
      z.object({
        line: z.number().int().openapi({ description: "The row's line in the file (the header is line 1)" }),
        status: z.enum(["saved", "needs_review", "refused"]),
        policyId: z.uuid().optional(),
        issues: z.array(text()).optional().openapi({ description: "Review issue codes (e.g. duplicate)" }),
        reason: text()
          .optional()
          .openapi({ description: "Why the row was refused", example: "ncbPercent: …" }),
      }),
    ),
    saved: z.number().int(),
    needsReview: z.number().int(),
    refused: z.number().int(),
  })
  .openapi("PolicyImportResult");
