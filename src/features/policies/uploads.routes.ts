import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { uploadGate } from "../../lib/uploads";
import { createStorage } from "../../providers/storage";
import { featureRoutes } from "../auth/api-route";
import { authorize } from "../auth/auth.middleware";
import {
  ListUploadsQuery,
  PolicyUploadForm,
  UploadAcceptedSchema,
  UploadPageSchema,
  UploadSchema,
  UploadStateSchema,
} from "./policies.schemas";
import { uploadStatusUrl } from "./policies.views";
import { uploadPublisher } from "./policy-events";
import {
  getUpload,
  listUploads,
  reprocessUpload,
  type UploadDeps,
  uploadPolicyPdf,
  uploadState,
} from "./uploads.service";

const tags = ["Policies"];
const route = featureRoutes(tags);
const security = bearerSecurity;
const write = authorize("policies:write");

const uploadDeps = (c: Context<AppEnv>): UploadDeps => ({
  db: c.var.db,
  storage: createStorage(c.var.config, c.env.DOCUMENTS_BUCKET),
  queue: c.env.POLICY_QUEUE,
  config: c.var.config,
  publish: uploadPublisher(c.env),
});

export const policyUploadRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/pdf",
      tags,
      security,
      summary: "Upload a policy schedule (PDF) to be read into a record",
      description:
        "Multipart `file` (a PDF) and optional `manualExtras` (a JSON string: executive, opsExecutive, callerName, branch, rollover, remark, brokerage, cashback, customerPaid, customerChequeNo, ourChequeNo; money in rupees). Extraction runs in the background: poll `statusUrl`. The record is `saved` when every check passes, else `needs_review`; a corrupt or encrypted file fails alone with its reason.",
      middleware: [write, uploadGate] as const,
      request: {
        body: { content: { "multipart/form-data": { schema: PolicyUploadForm } }, required: true },
      },
      responses: {
        202: json(UploadAcceptedSchema, "Accepted; extraction is queued"),
        ...errors(400, 413, 415, 503, ...authErrors),
      },
    }),
    async (c) => {
      const upload = await uploadPolicyPdf(uploadDeps(c), c.var.principal, c.req.valid("form"));
      c.header("Location", `/api/upload/${upload.id}`);
      return c.json({ upload, statusUrl: uploadStatusUrl(upload.id) }, 202);
    },
  )
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/",
      summary: "List policy uploads (newest first)",
      request: { query: ListUploadsQuery },
      errors: [400],
      responses: { 200: json(UploadPageSchema, "A page") },
    }),
    async (c) => c.json(await listUploads(c.var.db, c.var.principal.tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/{id}",
      summary: "A policy upload, with the id of the record made from it",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(UploadSchema, "The upload") },
    }),
    async (c) => c.json(await getUpload(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/{id}/status",
      summary: "Lifecycle state, pages done, and the reason on failure",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(UploadStateSchema, "State") },
    }),
    async (c) => c.json(await uploadState(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("policies:write", {
      method: "post",
      path: "/{id}/process",
      summary: "Extract again (replaces the unreviewed record; refused once saved or rejected)",
      request: { params: IdParams },
      errors: [400, 404, 409],
      responses: { 202: json(UploadAcceptedSchema, "Queued") },
    }),
    async (c) => {
      const upload = await reprocessUpload(uploadDeps(c), c.var.principal.tenantId, c.req.valid("param").id);
      return c.json({ upload, statusUrl: uploadStatusUrl(upload.id) }, 202);
    },
  );
