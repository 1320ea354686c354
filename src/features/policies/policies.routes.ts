import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { text } from "../../lib/text";
import { attachment } from "../../lib/uploads";
import { createStorage } from "../../providers/storage";
import { featureRoutes } from "../auth/api-route";
import { emitWebhookEvent } from "../webhooks/emit";
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
const route = featureRoutes(tags);

/** A record saved (by hand, by review, or edited while saved) is a `policy.saved` webhook event. */
async function announceSaved<T extends { id: string; status: string }>(
  c: Context<AppEnv>,
  policy: T,
): Promise<T> {
  if (policy.status === "saved")
    await emitWebhookEvent(c.env, c.var.principal.tenantId, "policy.saved", { policyId: policy.id });
  return policy;
}

export const policyRoutes = createRouter()
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/",
      summary: "List policy records (newest first), filtered",
      description:
        "Filters: status, insurer (canonical name), productLine, `from`/`to` on the issue date, `q` over policy number, vehicle number and customer name. Offset pagination with the total.",
      request: { query: ListPoliciesQuery },
      errors: [400],
      responses: { 200: json(PolicyPageSchema, "A page") },
    }),
    async (c) => c.json(await listPolicies(c.var.db, c.var.principal.tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    route("policies:write", {
      method: "post",
      path: "/",
      summary: "Enter a record by hand (saved when it passes the checks, else needs_review)",
      request: { body: { content: { "application/json": { schema: ManualPolicySchema } }, required: true } },
      errors: [400],
      responses: { 201: json(PolicySchema, "The record") },
    }),
    async (c) =>
      c.json(await announceSaved(c, await createPolicy(c.var.db, c.var.principal, c.req.valid("json"))), 201),
  )
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/{id}",
      summary: "A policy record with each field's value, confidence, source and page",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(PolicySchema, "The record") },
    }),
    async (c) => c.json(await getPolicy(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("policies:write", {
      method: "put",
      path: "/{id}",
      summary: "Edit fields and manual extras (each edit: source manual, confidence 1, audited)",
      description:
        "Money in rupees with at most two decimals; `null` clears a field. The checks run again: the issues list is recomputed, and a saved record that now fails a check goes back to needs_review.",
      request: {
        params: IdParams,
        body: { content: { "application/json": { schema: PolicyEditSchema } }, required: true },
      },
      errors: [400, 404, 409],
      responses: { 200: json(PolicySchema, "The record") },
    }),
    async (c) =>
      c.json(
        await announceSaved(
          c,
          await editPolicy(c.var.db, c.var.principal, c.req.valid("param").id, c.req.valid("json")),
        ),
        200,
      ),
  )
  .openapi(
    route("policies:delete", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a record (and the upload and PDF it was read from)",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      const storage = createStorage(c.var.config, c.env.DOCUMENTS_BUCKET);
      await deletePolicy({ db: c.var.db, storage }, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("policies:write", {
      method: "post",
      path: "/{id}/confirm",
      summary: "Review: save the record",
      description:
        "Refused (409, with the issues in details) while a required field is missing or the insurer's policy number is already saved; other warnings are accepted by the reviewer.",
      request: { params: IdParams },
      errors: [400, 404, 409],
      responses: { 200: json(PolicySchema, "Saved") },
    }),
    async (c) =>
      c.json(
        await announceSaved(c, await confirmPolicy(c.var.db, c.var.principal, c.req.valid("param").id)),
        200,
      ),
  )
  .openapi(
    route("policies:write", {
      method: "post",
      path: "/{id}/reject",
      summary: "Review: reject the record",
      request: { params: IdParams },
      errors: [400, 404, 409],
      responses: { 200: json(PolicySchema, "Rejected") },
    }),
    async (c) => c.json(await rejectPolicy(c.var.db, c.var.principal, c.req.valid("param").id), 200),
  )
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/{id}/changes",
      summary: "The record's audit trail: who changed which field when, old and new value",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(ChangesSchema, "Changes, oldest first") },
    }),
    async (c) => c.json(await listChanges(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/{id}/document",
      summary: "The original PDF the record was read from",
      request: { params: IdParams },
      errors: [400, 404],
      responses: {
        200: {
          description: "The PDF",
          content: { "application/pdf": { schema: text().openapi({ format: "binary" }) } },
        },
      },
    }),
    async (c) => {
      const upload = await policyDocumentKey(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      const object = await createStorage(c.var.config, c.env.DOCUMENTS_BUCKET).get(upload.storageKey);
      if (!object) throw new AppError("not_found", "The stored file is missing");
      return c.body(object.body, 200, {
        "Content-Type": "application/pdf",
        "Content-Length": String(object.size),
        "Content-Disposition": attachment(upload.filename),
        "X-Content-Type-Options": "nosniff",
      });
    },
  );
