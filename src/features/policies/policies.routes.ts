import { createRoute } from "@hono/zod-openapi";
import { AppError } from "../../lib/errors";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { text } from "../../lib/text";
import { createStorage } from "../../providers/storage";
import { authorize } from "../auth/auth.middleware";
import {
  ChangesSchema,
  ListPoliciesQuery,
  ManualPolicySchema,
  PolicyEditSchema,
  PolicyPageSchema,
  PolicySchema,
} from "./policies.schemas";
import {
  confirmPolicy,
  createPolicy,
  deletePolicy,
  editPolicy,
  getPolicy,
  listChanges,
  listPolicies,
  policyDocumentKey,
  rejectPolicy,
} from "./policies.service";

const tags = ["Policies"];
const security = bearerSecurity;
const read = authorize("policies:read");
const write = authorize("policies:write");
const remove = authorize("policies:delete");

export const policyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      security,
      summary: "List policy records (newest first), filtered",
      description:
        "Filters: status, insurer (canonical name), productLine, `from`/`to` on the issue date, `q` over policy number, vehicle number and customer name. Offset pagination with the total.",
      middleware: read,
      request: { query: ListPoliciesQuery },
      responses: { 200: json(PolicyPageSchema, "A page"), ...errors(400, ...authErrors) },
    }),
    async (c) => c.json(await listPolicies(c.var.db, c.var.principal.tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      security,
      summary: "Enter a record by hand (saved when it passes the checks, else needs_review)",
      middleware: write,
      request: { body: { content: { "application/json": { schema: ManualPolicySchema } }, required: true } },
      responses: { 201: json(PolicySchema, "The record"), ...errors(400, ...authErrors) },
    }),
    async (c) => c.json(await createPolicy(c.var.db, c.var.principal, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      security,
      summary: "A policy record with each field's value, confidence, source and page",
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(PolicySchema, "The record"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => c.json(await getPolicy(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}",
      tags,
      security,
      summary: "Edit fields and manual extras (each edit: source manual, confidence 1, audited)",
      description:
        "Money in rupees with at most two decimals; `null` clears a field. The checks run again: the issues list is recomputed, and a saved record that now fails a check goes back to needs_review.",
      middleware: write,
      request: {
        params: IdParams,
        body: { content: { "application/json": { schema: PolicyEditSchema } }, required: true },
      },
      responses: { 200: json(PolicySchema, "The record"), ...errors(400, 404, 409, ...authErrors) },
    }),
    async (c) =>
      c.json(await editPolicy(c.var.db, c.var.principal, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      security,
      summary: "Delete a record (and the upload and PDF it was read from)",
      middleware: remove,
      request: { params: IdParams },
      responses: { 204: { description: "Deleted" }, ...errors(400, 404, ...authErrors) },
    }),
    async (c) => {
      const storage = createStorage(c.var.config, c.env.DOCUMENTS_BUCKET);
      await deletePolicy({ db: c.var.db, storage }, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/confirm",
      tags,
      security,
      summary: "Review: save the record",
      description:
        "Refused (409, with the issues in details) while a required field is missing or the insurer's policy number is already saved; other warnings are accepted by the reviewer.",
      middleware: write,
      request: { params: IdParams },
      responses: { 200: json(PolicySchema, "Saved"), ...errors(400, 404, 409, ...authErrors) },
    }),
    async (c) => c.json(await confirmPolicy(c.var.db, c.var.principal, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/reject",
      tags,
      security,
      summary: "Review: reject the record",
      middleware: write,
      request: { params: IdParams },
      responses: { 200: json(PolicySchema, "Rejected"), ...errors(400, 404, 409, ...authErrors) },
    }),
    async (c) => c.json(await rejectPolicy(c.var.db, c.var.principal, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/changes",
      tags,
      security,
      summary: "The record's audit trail: who changed which field when, old and new value",
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(ChangesSchema, "Changes, oldest first"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => c.json(await listChanges(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/document",
      tags,
      security,
      summary: "The original PDF the record was read from",
      middleware: read,
      request: { params: IdParams },
      responses: {
        200: {
          description: "The PDF",
          content: { "application/pdf": { schema: text().openapi({ format: "binary" }) } },
        },
        ...errors(400, 404, ...authErrors),
      },
    }),
    async (c) => {
      const upload = await policyDocumentKey(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      const object = await createStorage(c.var.config, c.env.DOCUMENTS_BUCKET).get(upload.storageKey);
      if (!object) throw new AppError("not_found", "The stored file is missing");
      return c.body(object.body, 200, {
        "Content-Type": "application/pdf",
        "Content-Length": String(object.size),
        "Content-Disposition": `attachment; filename="${upload.filename.replace(/[^\x20-\x7e]|["\\]/g, "_")}"`,
        "X-Content-Type-Options": "nosniff",
      });
    },
  );
