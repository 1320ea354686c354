import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { enforceRateLimit } from "../../lib/rate-limit";
import { errors, IdParams, json } from "../../lib/responses";
import { visitorConversation } from "../widget/visitor-api";
import { limitVisitor } from "../widget/widget.routes";
import {
  attachmentLimit,
  binaryBody,
  attachmentDeps as deps,
  fileDownload,
  fileResponse,
} from "./attachments.http";
import { AttachmentSchema, FilenameQuery } from "./attachments.schemas";
import { readAttachment, uploadAttachment } from "./attachments.service";
import type { Participant } from "./participant";

const tags = ["Widget"];

/** The visitor of this conversation, by the widget's visitor token (Authorization: Bearer …). */
async function visitorOf(c: Context<AppEnv>, conversationId: string): Promise<Participant> {
  await limitVisitor(c);
  const secret = c.var.config.JWT_SECRET;
  const visitor = await visitorConversation(
    { db: c.var.db, env: c.env, secret },
    c.req.header("Authorization"),
    conversationId,
  );
  return { tenantId: visitor.tenantId, kind: "visitor", id: visitor.visitorId, conversationId };
}

const AttachmentParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, description: "The conversation" }),
  attachmentId: z.uuid().openapi({ param: { name: "attachmentId", in: "path" } }),
});

/** The widget's side of attachments (the visitor token as bearer). Mounted at /api/widget. */
export const widgetAttachmentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/conversations/{id}/attachments",
      tags,
      security: bearerSecurity,
      summary:
        "A visitor uploads an image or PDF to their conversation (raw body; Bearer: the visitor token)",
      description:
        "The same limits and type detection as staff uploads: PNG, JPEG, GIF, WebP or PDF by its bytes (else 415), at most MAX_ATTACHMENT_BYTES (413). Send the returned id in a message frame's `attachmentIds`.",
      middleware: [attachmentLimit] as const,
      request: { params: IdParams, query: FilenameQuery, body: binaryBody },
      responses: { 201: json(AttachmentSchema, "Stored"), ...errors(400, 401, 404, 413, 415, 429) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const who = await visitorOf(c, id);
      await enforceRateLimit(c.env.UPLOAD_RATE_LIMITER, `attachment:visitor:${who.id}`);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const { filename } = c.req.valid("query");
      return c.json(await uploadAttachment(deps(c), who, id, { bytes, filename }), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/conversations/{id}/attachments/{attachmentId}",
      tags,
      security: bearerSecurity,
      summary: "A visitor downloads a file of their conversation (Bearer: the visitor token)",
      request: { params: AttachmentParams },
      responses: { 200: fileResponse, ...errors(400, 401, 404, 429) },
    }),
    async (c) => {
      const { id, attachmentId } = c.req.valid("param");
      const { row, object } = await readAttachment(deps(c), await visitorOf(c, id), attachmentId);
      return fileDownload(row, object.body);
    },
  );
