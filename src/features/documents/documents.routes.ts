import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { text } from "../../lib/text";
import { attachment, uploadGate } from "../../lib/uploads";
import { createStorage } from "../../providers/storage";
import { featureRoutes } from "../auth/api-route";
import { authorize } from "../auth/auth.middleware";
import { inboxPublisher } from "./documents.events";
import {
  AcceptedSchema,
  DocumentPageSchema,
  DocumentSchema,
  ListDocumentsQuery,
  StatusSchema,
  UploadForm,
} from "./documents.schemas";
import {
  type DocumentDeps,
  deleteDocument,
  getDocument,
  listDocuments,
  loadDocument,
  reprocessDocument,
  uploadDocument,
} from "./documents.service";
import { statusUrl, statusView } from "./documents.views";

const tags = ["Documents"];
const route = featureRoutes(tags);
const security = bearerSecurity;
const write = authorize("documents:write");

/** What document services need, from a request's context (also used by agent training). */
export const documentDeps = (c: Context<AppEnv>): DocumentDeps => ({
  db: c.var.db,
  storage: createStorage(c.var.config, c.env.DOCUMENTS_BUCKET),
  queue: c.env.DOCUMENT_QUEUE,
  publish: inboxPublisher(c.env),
  config: c.var.config,
});

export const documentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      security,
      summary: "Upload a document (multipart); processing happens in the background",
      description:
        "The type is detected from the bytes (PDF, DOCX, plain text, Markdown, HTML, CSV), never from the name. Poll `statusUrl` or listen for `document.updated` on the inbox stream.",
      middleware: [write, uploadGate] as const,
      request: { body: { content: { "multipart/form-data": { schema: UploadForm } }, required: true } },
      responses: {
        202: json(AcceptedSchema, "Accepted; processing is queued"),
        ...errors(400, 413, 415, 503, ...authErrors),
      },
    }),
    async (c) => {
      const form = c.req.valid("form");
      const document = await uploadDocument(documentDeps(c), c.var.principal, form);
      c.header("Location", `/api/documents/${document.id}`);
      return c.json({ document, statusUrl: statusUrl(document.id) }, 202);
    },
  )
  .openapi(
    route("documents:read", {
      method: "get",
      path: "/",
      summary: "List documents (newest first), filtered by status or collection",
      request: { query: ListDocumentsQuery },
      errors: [400, 404],
      responses: { 200: json(DocumentPageSchema, "A page") },
    }),
    async (c) => c.json(await listDocuments(c.var.db, c.var.principal.tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    route("documents:read", {
      method: "get",
      path: "/{id}",
      summary: "A document",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(DocumentSchema, "The document") },
    }),
    async (c) => c.json(await getDocument(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("documents:read", {
      method: "get",
      path: "/{id}/status",
      summary: "Processing state: pages done of total, chunk count, error reason",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(StatusSchema, "Status") },
    }),
    async (c) => {
      const { document } = await loadDocument(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.json(statusView(document), 200);
    },
  )
  .openapi(
    route("documents:read", {
      method: "get",
      path: "/{id}/download",
      summary: "The original file, streamed from object storage",
      request: { params: IdParams },
      errors: [400, 404],
      responses: {
        200: {
          description: "The original bytes",
          content: { "application/octet-stream": { schema: text().openapi({ format: "binary" }) } },
        },
      },
    }),
    async (c) => {
      const { document } = await loadDocument(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      const object = await documentDeps(c).storage.get(document.storageKey);
      if (!object) throw new AppError("not_found", "The stored file is missing");
      return c.body(object.body, 200, {
        "Content-Type": document.contentType,
        "Content-Length": String(object.size),
        "Content-Disposition": attachment(document.filename),
        "X-Content-Type-Options": "nosniff",
      });
    },
  )
  .openapi(
    route("documents:write", {
      method: "post",
      path: "/{id}/process",
      summary: "Process the document again (new generation; old chunks are replaced)",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 202: json(AcceptedSchema, "Queued") },
    }),
    async (c) => {
      const document = await reprocessDocument(
        documentDeps(c),
        c.var.principal.tenantId,
        c.req.valid("param").id,
      );
      return c.json({ document, statusUrl: statusUrl(document.id) }, 202);
    },
  )
  .openapi(
    route("documents:write", {
      method: "delete",
      path: "/{id}",
      summary: "Delete the document: stored file, chunks and embeddings",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteDocument(documentDeps(c), c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
