import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { attachments } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { text } from "../../lib/text";
import { attachment } from "../../lib/uploads";
import { createStorage } from "../../providers/storage";

/** Refuses a body over MAX_ATTACHMENT_BYTES with 413 while it streams in (uploads skip the global limit). */
export const attachmentLimit = createMiddleware<AppEnv>(async (c, next) => {
  const maxSize = c.var.config.MAX_ATTACHMENT_BYTES;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError("payload_too_large", `The file is larger than ${maxSize} bytes`, {
        limitBytes: maxSize,
      });
    },
  })(c, next);
});

/** What the attachment service needs, from the request's services. */
export const attachmentDeps = (c: Context<AppEnv>) => ({
  db: c.var.db,
  env: c.env,
  storage: createStorage(c.var.config, c.env.DOCUMENTS_BUCKET),
  storagePrefix: c.var.config.STORAGE_PREFIX,
  maxBytes: c.var.config.MAX_ATTACHMENT_BYTES,
});

/** A file body in the OpenAPI document. */
export const Binary = text().openapi({ type: "string", format: "binary" });

export const binaryBody = {
  content: { "application/octet-stream": { schema: Binary } },
  required: true,
} as const;

export const fileResponse = {
  description: "The file",
  content: { "application/octet-stream": { schema: Binary } },
};

/** The stored file as a download: images show in place, a PDF is saved; never run as a page. */
export function fileDownload(row: typeof attachments.$inferSelect, body: ReadableStream) {
  const disposition = row.contentType.startsWith("image/")
    ? attachment(row.filename).replace(/^attachment/, "inline")
    : attachment(row.filename);
  return new Response(body, {
    headers: {
      "Content-Type": row.contentType,
      "Content-Length": String(row.sizeBytes),
      "Content-Disposition": disposition,
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=300",
    },
  });
}
