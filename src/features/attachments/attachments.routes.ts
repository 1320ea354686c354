import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { enforceRateLimit } from "../../lib/rate-limit";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { appUrl, jsonBody } from "../../lib/route-helpers";
import { loadConversation } from "../conversations/conversations.service";
import {
  attachmentLimit,
  binaryBody,
  attachmentDeps as deps,
  fileDownload,
  fileResponse,
} from "./attachments.http";
import {
  AttachmentSchema,
  DownloadQuery,
  SignedUploadQuery,
  UploadQuery,
  UploadUrlBody,
  UploadUrlSchema,
} from "./attachments.schemas";
import { readAttachment, uploadAttachment } from "./attachments.service";
import { participantOf } from "./participant";
import { signUpload, verifyUpload } from "./upload-urls";

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
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/conversations/{id}/attachments/uploads",
      tags,
      security,
      summary: "Get a short-lived signed URL to PUT a file to (the alternative to the direct upload)",
      description:
        "For clients that upload large files or cannot send credentials with the bytes: the answer's `uploadUrl` accepts one `PUT` of the raw file, without an Authorization header, until `expiresAt`. The file then exists as an attachment with `attachmentId`, with the same type detection and size limit as a direct upload. A tampered or expired URL is refused with 401; a second PUT to the same URL with 409.",
      request: { params: IdParams, query: DownloadQuery, ...jsonBody(UploadUrlBody) },
      responses: {
        201: json(UploadUrlSchema, "The signed URL"),
        ...errors(400, 404, ...authErrors),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const who = await participantOf(c, "conversations:write", id);
      const { filename, expiresInSeconds } = c.req.valid("json");
      await loadConversation(c.var.db, who.tenantId, id);
      const secret = c.var.config.JWT_SECRET;
      const signed = await signUpload(secret, who, id, filename, expiresInSeconds);
      const uploadUrl = `${appUrl(c)}/api/attachment-uploads/${signed.attachmentId}?token=${signed.token}`;
      return c.json(
        {
          attachmentId: signed.attachmentId,
          uploadUrl,
          method: "PUT" as const,
          headers: { "Content-Type": "application/octet-stream" },
          maxBytes: c.var.config.MAX_ATTACHMENT_BYTES,
          expiresAt: signed.expiresAt.toISOString(),
        },
        201,
      );
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/attachment-uploads/{id}",
      tags,
      summary: "Upload a file's bytes to a signed upload URL (raw body); the attachment then exists",
      description:
        "The URL comes from `POST /api/conversations/{id}/attachments/uploads`; its `token` is the signature. Expired or altered: 401. Used already: 409.",
      middleware: [attachmentLimit] as const,
      request: { params: IdParams, query: SignedUploadQuery, body: binaryBody },
      responses: {
        201: json(AttachmentSchema, "Stored"),
        ...errors(400, 401, 404, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const grant = await verifyUpload(c.var.config.JWT_SECRET, c.req.valid("query").token, id);
      const who = grant.uploader;
      await enforceRateLimit(c.env.UPLOAD_RATE_LIMITER, `attachment:${who.kind}:${who.id}`);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const file = { bytes, filename: grant.filename };
      return c.json(await uploadAttachment(deps(c), who, grant.conversationId, file, id), 201);
    },
  );
