import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { text } from "../../lib/text";
import { featureRoutes } from "../auth/api-route";
import {
  ContactSchema,
  CreateContactBody,
  ListContactsQuery,
  MergeContactBody,
  UpdateContactBody,
} from "./contacts.schemas";
import {
  createContact,
  eraseContact,
  getContact,
  listContacts,
  mergeContacts,
  updateContact,
} from "./contacts.service";

const route = featureRoutes(["Contacts"]);
const deps = (c: Context<AppEnv>) => ({ db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId });

export const contactRoutes = createRouter()
  .openapi(
    route("contacts:read", {
      method: "get",
      path: "/",
      summary: "List contacts (newest first), searching name, email and phone",
      request: { query: ListContactsQuery },
      errors: [400],
      responses: {
        200: json(z.object({ data: z.array(ContactSchema), nextCursor: text().nullable() }), "A page"),
      },
    }),
    async (c) => c.json(await listContacts(c.var.db, c.var.principal.tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    route("contacts:write", {
      method: "post",
      path: "/",
      summary: "Create a contact",
      request: jsonBody(CreateContactBody),
      errors: [400, 409],
      responses: { 201: json(ContactSchema, "Created") },
    }),
    async (c) => c.json(await createContact(deps(c), c.req.valid("json")), 201),
  )
  .openapi(
    route("contacts:read", {
      method: "get",
      path: "/{id}",
      summary: "Get a contact",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(ContactSchema, "The contact") },
    }),
    async (c) => c.json(await getContact(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("contacts:write", {
      method: "put",
      path: "/{id}",
      summary: "Change a contact (null clears a field)",
      request: { params: IdParams, ...jsonBody(UpdateContactBody) },
      errors: [400, 404, 409],
      responses: { 200: json(ContactSchema, "Updated") },
    }),
    async (c) => c.json(await updateContact(deps(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    route("contacts:delete", {
      method: "delete",
      path: "/{id}",
      summary: "Erase a contact: their personal data and every conversation and message, everywhere",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Erased" } },
    }),
    async (c) => {
      await eraseContact(deps(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("contacts:write", {
      method: "post",
      path: "/{id}/merge",
      summary: "Merge a duplicate into this contact (its conversations and identities move; it is removed)",
      request: { params: IdParams, ...jsonBody(MergeContactBody) },
      errors: [400, 404],
      responses: {
        200: json(
          z.object({ contact: ContactSchema, movedConversations: z.number().int() }),
          "The merged contact",
        ),
      },
    }),
    async (c) =>
      c.json(await mergeContacts(deps(c), c.req.valid("param").id, c.req.valid("json").contactId), 200),
  );
