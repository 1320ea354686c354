import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { createEmbeddings } from "../../providers/embeddings";
import { featureRoutes } from "../auth/api-route";
import { createCollection, deleteCollection, listCollections } from "./collections.service";
import { CollectionSchema, CreateCollectionBody, SearchQuery, SearchResultSchema } from "./knowledge.schemas";
import { searchKnowledge } from "./search.service";

const tags = ["Knowledge"];
const route = featureRoutes(tags);

export const knowledgeRoutes = createRouter()
  .openapi(
    route("documents:read", {
      method: "get",
      path: "/search",
      summary:
        "Search the tenant's documents: passages with document, title, page, score and a highlighted snippet",
      request: { query: SearchQuery },
      errors: [400, 404],
      responses: {
        200: json(SearchResultSchema, "Passages, best first"),
      },
    }),
    async (c) => {
      const deps = { db: c.var.db, embeddings: createEmbeddings(c.var.config) };
      return c.json(await searchKnowledge(deps, c.var.principal.tenantId, c.req.valid("query")), 200);
    },
  )
  .openapi(
    route("documents:read", {
      method: "get",
      path: "/collections",
      summary: "List collections with their document counts",
      responses: {
        200: json(z.object({ data: z.array(CollectionSchema) }), "Collections"),
      },
    }),
    async (c) => c.json({ data: await listCollections(c.var.db, c.var.principal.tenantId) }, 200),
  )
  .openapi(
    route("knowledge:manage", {
      method: "post",
      path: "/collections",
      summary: "Create a collection (knowledge base)",
      request: jsonBody(CreateCollectionBody),
      errors: [400, 409],
      responses: { 201: json(CollectionSchema, "Created") },
    }),
    async (c) => c.json(await createCollection(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 201),
  )
  .openapi(
    route("knowledge:manage", {
      method: "delete",
      path: "/collections/{id}",
      summary: "Delete an empty collection",
      request: { params: IdParams },
      errors: [400, 404, 409],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteCollection(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
