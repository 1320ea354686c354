import { z } from "@hono/zod-openapi";
import { documentKinds, documentStatuses } from "../../db/schema";
import { jsonObject, text } from "../../lib/text";
import { METADATA_MAX_BYTES } from "../conversations/conversations.schemas";

export const DocumentStatusSchema = z.enum(documentStatuses).openapi({
  description:
    "queued → processing → ready; failed (with error); needs_ocr when pages are scans and no OCR is configured",
});

const MetadataField = text()
  .max(16_384)
  .transform((text, ctx) => {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        return parsed as Record<string, unknown>;
      }
    } catch {
      // Reported below.
    }
    ctx.addIssue({ code: "custom", message: "metadata must be a JSON object" });
    return z.NEVER;
  })
  .pipe(jsonObject(METADATA_MAX_BYTES))
  .openapi({ type: "string", description: 'A JSON object of at most 8 KiB, e.g. {"source":"crm"}' });

export const UploadForm = z
  .object({
    file: z
      .instanceof(File, { message: "file is required (a multipart file field)" })
      .openapi({ type: "string", format: "binary", description: "PDF, DOCX, TXT, Markdown, HTML or CSV" }),
    collection: text().trim().min(1).max(120).optional().openapi({
      description: "Name of the collection (knowledge base); created on first use",
    }),
    title: text().trim().min(1).max(300).optional(),
    metadata: MetadataField.optional(),
  })
  .openapi("DocumentUpload");

export const StatusSchema = z
  .object({
    id: z.uuid(),
    status: DocumentStatusSchema,
    pages: z.object({ done: z.number().int(), total: z.number().int().nullable() }),
    chunkCount: z.number().int(),
    error: text().nullable().openapi({ description: "Why it failed, needs OCR, or is being retried" }),
    attempts: z.number().int(),
    processedAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("DocumentStatus");

export const DocumentSchema = StatusSchema.extend({
  title: text(),
  filename: text(),
  kind: z.enum(documentKinds).openapi({ description: "Detected from the bytes, not the name" }),
  contentType: text(),
  sizeBytes: z.number().int(),
  sha256: text(),
  collection: z.object({ id: z.uuid(), name: text() }).nullable(),
  metadata: z.record(text(), z.unknown()),
  statusUrl: text(),
  createdAt: z.iso.datetime(),
}).openapi("Document");

export const AcceptedSchema = z
  .object({ document: DocumentSchema, statusUrl: text() })
  .openapi("DocumentAccepted");

export const ListDocumentsQuery = z.object({
  status: DocumentStatusSchema.optional(),
  collection: text().min(1).optional().openapi({ description: "Collection name or id" }),
  cursor: text().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const DocumentPageSchema = z
  .object({ data: z.array(DocumentSchema), nextCursor: text().nullable() })
  .openapi("DocumentPage");
