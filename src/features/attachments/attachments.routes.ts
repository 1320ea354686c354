import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { enforceRateLimit } from "../../lib/rate-limit";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { text } from "../../lib/text";
import { attachment } from "../../lib/uploads";
import { createStorage } from "../../providers/storage";
import { AttachmentSchema, DownloadQuery, UploadQuery } from "./attachments.schemas";
import { readAttachment, uploadAttachment } from "./attachments.service";
import { participantOf } from "./participant";

const tags = ["Attachments"];
// A bearer token, or no header with `?ticket=` (a conversation ticket).
const security = [...bearerSecurity, {}];

/** Refuses a body over MAX_ATTACHMENT_BYTES with 413 while it streams in (uploads skip the global limit). */
const attachmentLimit = createMiddleware<AppEnv>(async (c, next) => {
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

const deps = (c: Context<AppEnv>) => ({
  db: c.var.db,
  env: c.env,
  storage: createStorage(c.var.config, c.env.DOCUMENTS_BUCKET),
  storagePrefix: c.var.config.STORAGE_PREFIX,
  maxBytes: c.var.config.MAX_ATTACHMENT_BYTES,
});

const Binary = text().openapi({ type: "string", format: "binary" });

export const attachmentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/conversations/{id}/attachments",
      tags,
      security,
      summary: "Upload an image or PDF to a conversation (raw body); staff token or the visitor's ticket",
      description:
        "The body is the file itself. Its type is detected from the bytes (PNG, JPEG, GIF, WebP or PDF; anything else is 415) and its size is limited by MAX_ATTACHMENT_BYTES (413). Send the returned id in a message's `attachmentIds`.",
      middleware: [attachmentLimit] as const,
      request: {
        params: IdParams,
        query: UploadQuery,
        body: { content: { "application/octet-stream": { schema: Binary } }, required: true },
      },
      responses: {
        201: json(AttachmentSchema, "Stored"),
        ...errors(400, 404, 413, 415, ...authErrors),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const who = await participantOf(c, "conversations:write", id);
      await enforceRateLimit(c.env.UPLOAD_RATE_LIMITER, `attachment:${who.kind}:${who.id}`);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const filename = c.req.valid("query").filename;
      return c.json(await uploadAttachment(deps(c), who, id, { bytes, filename }), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/attachments/{id}",
      tags,
      security,
      summary: "Download an attachment: staff of the tenant, or the visitor of its conversation (ticket)",
      request: { params: IdParams, query: DownloadQuery },
      responses: {
        200: { description: "The file", content: { "application/octet-stream": { schema: Binary } } },
        ...errors(400, 404, ...authErrors),
      },
    }),
    async (c) => {
      const who = await participantOf(c, "conversations:read");
      const { row, object } = await readAttachment(deps(c), who, c.req.valid("param").id);
      // Images show in place; a PDF is saved, not opened from our origin. Never run as a page.
      const disposition = row.contentType.startsWith("image/")
        ? attachment(row.filename).replace(/^attachment/, "inline")
        : attachment(row.filename);
      return new Response(object.body, {
        headers: {
          "Content-Type": row.contentType,
          "Content-Length": String(row.sizeBytes),
          "Content-Disposition": disposition,
          "Content-Security-Policy": "default-src 'none'; sandbox",
          "X-Content-Type-Options": "nosniff",
          "Cache-Control": "private, max-age=300",
        },
      });
    },
  );
