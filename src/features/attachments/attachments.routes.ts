import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { enforceRateLimit } from "../../lib/rate-limit";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import {
  attachmentLimit,
  binaryBody,
  attachmentDeps as deps,
  fileDownload,
  fileResponse,
} from "./attachments.http";
import { AttachmentSchema, DownloadQuery, UploadQuery } from "./attachments.schemas";
import { readAttachment, uploadAttachment } from "./attachments.service";
import { participantOf } from "./participant";

const tags = ["Attachments"];
// A bearer token, or no header with `?ticket=` (a conversation ticket).
const security = [...bearerSecurity, {}];

export const attachmentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/conversations/{id}/attachments",
      tags,
      security,
      summary: "Upload an image or PDF to a conversation (raw body); staff token or the visitor's ticket",
      description:
        "The body is the file itself. Its type is detected from the bytes (PNG, JPEG, GIF, WebP or PDF; anything else is 415) and its size is limited by MAX_ATTACHMENT_BYTES (413). Send the returned id in a message's `attachmentIds`. For large files a signed upload URL (`POST /api/conversations/{id}/attachments/uploads`) is the alternative.",
      middleware: [attachmentLimit] as const,
      request: { params: IdParams, query: UploadQuery, body: binaryBody },
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
      responses: { 200: fileResponse, ...errors(400, 404, ...authErrors) },
    }),
    async (c) => {
      const who = await participantOf(c, "conversations:read");
      const { row, object } = await readAttachment(deps(c), who, c.req.valid("param").id);
      return fileDownload(row, object.body);
    },
  );
