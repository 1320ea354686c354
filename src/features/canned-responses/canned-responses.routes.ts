import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import {
  CannedResponseSchema,
  CreateCannedResponseBody,
  ListCannedResponsesQuery,
  UpdateCannedResponseBody,
} from "./canned-responses.schemas";
import {
  createCannedResponse,
  deleteCannedResponse,
  getCannedResponse,
  listCannedResponses,
  updateCannedResponse,
} from "./canned-responses.service";

const route = featureRoutes(["Canned responses"]);

export const cannedResponseRoutes = createRouter()
  .openapi(
    route("canned-responses:read", {
      method: "get",
      path: "/",
      summary: "List canned responses by short code",
      request: { query: ListCannedResponsesQuery },
      errors: [400],
      responses: { 200: json(z.object({ data: z.array(CannedResponseSchema) }), "Canned responses") },
    }),
    async (c) =>
      c.json(
        { data: await listCannedResponses(c.var.db, c.var.principal.tenantId, c.req.valid("query").q) },
        200,
      ),
  )
  .openapi(
    route("canned-responses:manage", {
      method: "post",
      path: "/",
      summary: "Create a canned response (short code unique per tenant; placeholders are checked)",
      request: jsonBody(CreateCannedResponseBody),
      errors: [400, 409],
      responses: { 201: json(CannedResponseSchema, "Created") },
    }),
    async (c) =>
      c.json(await createCannedResponse(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 201),
  )
  .openapi(
    route("canned-responses:read", {
      method: "get",
      path: "/{id}",
      summary: "Get a canned response",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(CannedResponseSchema, "The canned response") },
    }),
    async (c) =>
      c.json(await getCannedResponse(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("canned-responses:manage", {
      method: "put",
      path: "/{id}",
      summary: "Change a canned response",
      request: { params: IdParams, ...jsonBody(UpdateCannedResponseBody) },
      errors: [400, 404, 409],
      responses: { 200: json(CannedResponseSchema, "Updated") },
    }),
    async (c) =>
      c.json(
        await updateCannedResponse(
          c.var.db,
          c.var.principal.tenantId,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
        200,
      ),
  )
  .openapi(
    route("canned-responses:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a canned response",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteCannedResponse(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
