import { z } from "@hono/zod-openapi";

export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .openapi({ description: "Words or a phrase; quotes and -exclusions work" }),
  collection: z.string().min(1).optional().openapi({ description: "Collection name or id" }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const PassageSchema = z
  .object({
    chunkId: z.uuid(),
    documentId: z.uuid(),
    title: z.string(),
    page: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Page of the passage (null for formats without pages)" }),
    heading: z.string().nullable(),
    score: z.number(),
    ranks: z.object({
      fullText: z.number().int().nullable(),
      vector: z.number().int().nullable(),
    }),
    snippet: z.string().openapi({ description: "HTML-escaped text with matches wrapped in <mark>" }),
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
    name: z.string(),
    description: z.string().nullable(),
    documentCount: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Collection");

export const CreateCollectionBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(1000).optional(),
  })
  .openapi("CreateCollection");
