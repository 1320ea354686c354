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
  ImportResultSchema,
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
import { IMPORT_MAX_ROWS, importPolicies } from "./policy-import";
import { kickSnapshots } from "./policy-snapshots";

const tags = ["Policies"];
const route = featureRoutes(tags);

/**
 * After a record is written: asks for its snapshot (its outbox row is already committed) and, when it
 * is saved (by hand, by review, or edited while saved), announces it as a `policy.saved` webhook event.
 */
async function afterWrite<T extends { id: string; status: string }>(
  c: Context<AppEnv>,
  policy: T,
): Promise<T> {
  const tenantId = c.var.principal.tenantId;
  await kickSnapshots(c.env.POLICY_SNAPSHOT_QUEUE, [{ policyId: policy.id, tenantId }]);
  if (policy.status === "saved")
    await emitWebhookEvent(c.env, tenantId, "policy.saved", { policyId: policy.id });
  return policy;
}

export const policyRoutes = createRouter()
  .openapi(
    route("policies:read", {
      method: "get",
      path: "/",
      summary: "List policy records (newest first), filtered",
      description:
        "Filters: status, insurer (canonical name), productLine, productType, callerName, branch, make (these four exact, ignoring case), `from`/`to` on the issue date, `expiryFrom`/`expiryTo` on the expiry date, `q` over policy number, vehicle number and customer name. Offset pagination with the total.",
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
      c.json(await afterWrite(c, await createPolicy(c.var.db, c.var.principal, c.req.valid("json"))), 201),
  )
  .openapi(
    route("policies:write", {
      method: "post",
      path: "/import",
      summary: "Import records from CSV; each row is saved, sent to review or refused on its own",
      description: `A \`text/csv\` body: a header row of field names (policyNumber, insurer, totalPremium, …) and manual extras (callerName, branch, cashback, …), then one record per row (at most ${IMPORT_MAX_ROWS}). Money in rupees (12,345.50 or ₹12,345/- read too), dates ISO or Indian (12/03/2026, 12-Mar-2026), members as a JSON array. An empty cell is no value. A bad row is refused with its line and reason and never stops the others; a good one is saved when it passes the checks, else needs_review (a policy number already on file is flagged as a duplicate). Source csv_import, every record audited. An unknown column or a file that is not CSV is a 400.`,
      request: {
        body: {
          content: {
            "text/csv": { schema: text().openapi({ example: "policyNumber,insurer\nP-1,TATA AIG\n" }) },
          },
          required: true,
        },
      },
      errors: [400, 415],
      responses: { 200: json(ImportResultSchema, "Every row's outcome") },
    }),
    async (c) => {
      if (!/^text\/csv\b/i.test(c.req.header("Content-Type") ?? ""))
        throw new AppError("unsupported_media_type", "Send the file as text/csv");
      const result = await importPolicies(c.var.db, c.var.principal, await c.req.text());
      const tenantId = c.var.principal.tenantId;
      await kickSnapshots(
        c.env.POLICY_SNAPSHOT_QUEUE,
        result.rows.flatMap((row) =>
          row.status === "refused" ? [] : [{ policyId: row.policyId, tenantId }],
        ),
      );
      for (const row of result.rows)
        if (row.status === "saved")
          await emitWebhookEvent(c.env, tenantId, "policy.saved", { policyId: row.policyId });
      return c.json(result, 200);
    },
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
        await afterWrite(
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
      const deps = { db: c.var.db, storage, prefix: c.var.config.STORAGE_PREFIX };
      await deletePolicy(deps, c.var.principal.tenantId, c.req.valid("param").id);
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
        await afterWrite(c, await confirmPolicy(c.var.db, c.var.principal, c.req.valid("param").id)),
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
    async (c) =>
      c.json(
        await afterWrite(c, await rejectPolicy(c.var.db, c.var.principal, c.req.valid("param").id)),
        200,
      ),
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
