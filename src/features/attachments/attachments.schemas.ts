import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";

export const AttachmentSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    filename: text(),
    contentType: text().openapi({ description: "Detected from the bytes", example: "image/png" }),
    sizeBytes: z.number().int(),
    url: text().openapi({ description: "Where participants download it", example: "/api/attachments/01a2…" }),
    createdAt: z.iso.datetime(),
  })
  .openapi("Attachment");

const Ticket = text()
  .min(1)
  .max(2000)
  .optional()
  .openapi({ description: "A conversation ticket (the widget's), instead of a bearer token" });

const Filename = text()
  .max(255)
  .optional()
  .openapi({ description: "The file's name", example: "receipt.pdf" });

export const FilenameQuery = z.object({ filename: Filename });

export const UploadQuery = z.object({ ticket: Ticket, filename: Filename });

export const DownloadQuery = z.object({ ticket: Ticket });

export const UploadUrlBody = z
  .object({
    filename: Filename,
    expiresInSeconds: z.number().int().min(1).max(3600).default(900).openapi({
      description: "How long the URL accepts the upload (default 15 minutes, at most an hour)",
      example: 900,
    }),
  })
  .openapi("AttachmentUploadRequest", { example: { filename: "site-survey.pdf", expiresInSeconds: 900 } });

export const UploadUrlSchema = z
  .object({
    attachmentId: z.uuid().openapi({ description: "The id the attachment will have" }),
    uploadUrl: text().openapi({
      description: "PUT the file's bytes here (no Authorization header: the URL is signed)",
      example: "https://api.example/api/attachment-uploads/01a2…?token=eyJhbGciOiJIUzI1NiJ9…",
    }),
    method: z.literal("PUT"),
    headers: z.record(text(), text()).openapi({ example: { "Content-Type": "application/octet-stream" } }),
    maxBytes: z.number().int().openapi({ example: 10485760 }),
    expiresAt: z.iso.datetime(),
  })
  .openapi("AttachmentUpload");

export const SignedUploadQuery = z.object({
  token: text().min(1).max(4000).openapi({ description: "The signature part of the upload URL" }),
});
