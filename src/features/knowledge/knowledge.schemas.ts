import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";

export const SearchQuery = z.object({
  q: text().trim().min(1).max(500).openapi({ description: "Words or a phrase; quotes and -exclusions work" }),
  collection: text().min(1).optional().openapi({ description: "Collection name or id" }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const PassageSchema = z
  .object({
    chunkId: z.uuid(),
    documentId: z.uuid(),
    title: text(),
    page: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Page of the passage (null for formats without pages)" }),
    heading: text().nullable(),
    score: z.number(),
    ranks: z.object({
      fullText: z.number().int().nullable(),
      vector: z.number().int().nullable(),
    }),
    snippet: text().openapi({ description: "HTML-escaped text with matches wrapped in <mark>" }),
  })
  .openapi("Passage");

export const SearchResultSchema = z
  .object({
    mode: z.enum(["full-text", "hybrid-pgvector", "hybrid-portable"]),
    data: z.array(PassageSchema),
  })
  .openapi("SearchResult");

export const CollectionSchema = z
  .object({
    id: z.uuid(),
    name: text(),
    description: text().nullable(),
    documentCount: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Collection");

export const CreateCollectionBody = z
  .object({
    name: text().trim().min(1).max(120),
    description: text().trim().max(1000).optional(),
  })
  .openapi("CreateCollection");
