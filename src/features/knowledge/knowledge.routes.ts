import { createRoute, z } from "@hono/zod-openapi";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { createEmbeddings } from "../../providers/embeddings";
import { authorize } from "../auth/auth.middleware";
import { createCollection, deleteCollection, listCollections } from "./collections.service";
import { CollectionSchema, CreateCollectionBody, SearchQuery, SearchResultSchema } from "./knowledge.schemas";
import { searchKnowledge } from "./search.service";

const tags = ["Knowledge"];
const security = bearerSecurity;

export const knowledgeRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/search",
      tags,
      security,
      summary:
        "Search the tenant's documents: passages with document, title, page, score and a highlighted snippet",
      middleware: authorize("documents:read"),
      request: { query: SearchQuery },
      responses: {
        200: json(SearchResultSchema, "Passages, best first"),
        ...errors(400, 404, ...authErrors),
      },
    }),
    async (c) => {
      const deps = { db: c.var.db, embeddings: createEmbeddings(c.var.config) };
      return c.json(await searchKnowledge(deps, c.var.principal.tenantId, c.req.valid("query")), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/collections",
      tags,
      security,
      summary: "List collections with their document counts",
      middleware: authorize("documents:read"),
      responses: {
        200: json(z.object({ data: z.array(CollectionSchema) }), "Collections"),
        ...errors(...authErrors),
      },
    }),
    async (c) => c.json({ data: await listCollections(c.var.db, c.var.principal.tenantId) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/collections",
      tags,
      security,
      summary: "Create a collection (knowledge base)",
      middleware: authorize("knowledge:manage"),
      request: jsonBody(CreateCollectionBody),
      responses: { 201: json(CollectionSchema, "Created"), ...errors(400, 409, ...authErrors) },
    }),
    async (c) => c.json(await createCollection(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/collections/{id}",
      tags,
      security,
      summary: "Delete an empty collection",
      middleware: authorize("knowledge:manage"),
      request: { params: IdParams },
      responses: { 204: { description: "Deleted" }, ...errors(400, 404, 409, ...authErrors) },
    }),
    async (c) => {
      await deleteCollection(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
