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
