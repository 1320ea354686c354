import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants, users } from "./identity";

export const documentStatuses = ["queued", "processing", "ready", "failed", "needs_ocr"] as const;
export type DocumentStatus = (typeof documentStatuses)[number];
export const documentKinds = ["pdf", "docx", "txt", "md", "html", "csv"] as const;
export type DocumentKind = (typeof documentKinds)[number];

/** What the consumer carries from one slice of a document to the next (resumable extraction). */
export interface ExtractionState {
  /** The heading in force at the end of the last committed page, so the next page's chunks keep it. */
  heading?: string | null;
  /** Pages that had no text layer and no OCR to read them. */
  ocrPending?: number[];
  /** Pages read by OCR. */
  ocrPages?: number[];
  /** The asynchronous Textract job reading the scanned pages, and how often it was checked. */
  textract?: { jobId: string; api: "analysis" | "text"; polls: number };
}

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** A named knowledge base of a tenant; documents may belong to one. */
export const collections = pgTable(
  "collections",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    ...timestamps,
  },
  (t) => [uniqueIndex("collections_tenant_name_key").on(t.tenantId, t.name)],
);

/**
 * An uploaded file and its processing state. `generation` grows with every (re)process request; queue
 * messages carry it, so a stale or duplicated message is recognised. `leaseToken`/`leaseUntil` make one
 * consumer at a time the owner of the work.
 */
export const documents = pgTable(
  "documents",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    collectionId: uuid().references(() => collections.id, { onDelete: "restrict" }),
    title: text().notNull(),
    filename: text().notNull(),
    kind: text().$type<DocumentKind>().notNull(),
    contentType: text().notNull(),
    sizeBytes: bigint({ mode: "number" }).notNull(),
    sha256: text().notNull(),
    storageKey: text().notNull(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: text().$type<DocumentStatus>().notNull().default("queued"),
    generation: integer().notNull().default(1),
    pagesTotal: integer(),
    pagesDone: integer().notNull().default(0),
    chunkCount: integer().notNull().default(0),
    error: text(),
    attempts: integer().notNull().default(0),
    state: jsonb().$type<ExtractionState>().notNull().default({}),
    leaseToken: uuid(),
    leaseUntil: timestamp({ withTimezone: true }),
    uploadedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    processedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index().on(t.tenantId, t.createdAt),
    index().on(t.tenantId, t.status),
    index().on(t.tenantId, t.collectionId),
  ],
);

/**
 * Searchable passages. A chunk never spans pages, so `page` is an exact citation (null for formats
 * without pages). `embedding` is a plain real[] (unit length) so it works on every Postgres; where the
 * vector extension exists, the migrator adds `embedding_vector`, the same values as a stored `vector`
 * (scripts/lib/migrate.ts), for nearest-neighbour ordering without a cast per chunk.
 */
export const documentChunks = pgTable(
  "document_chunks",
  {
    id: id(),
    tenantId: uuid().notNull(),
    documentId: uuid()
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    collectionId: uuid(),
    generation: integer().notNull(),
    ordinal: integer().notNull(),
    page: integer(),
    heading: text(),
    content: text().notNull(),
    tsv: tsvector()
      .notNull()
      .generatedAlwaysAs(
        (): ReturnType<typeof sql> =>
          sql`setweight(to_tsvector('english', coalesce(${documentChunks.heading}, '')), 'A') || setweight(to_tsvector('english', ${documentChunks.content}), 'B')`,
      ),
    embedding: real().array(),
    /** The embedding's length, so that search picks comparable chunks without reading the arrays. */
    embeddingDims: integer().generatedAlwaysAs(
      (): ReturnType<typeof sql> => sql`array_length(${documentChunks.embedding}, 1)`,
    ),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("document_chunks_tsv_idx").using("gin", t.tsv),
    index().on(t.tenantId, t.collectionId),
    uniqueIndex("document_chunks_document_ordinal_key").on(t.documentId, t.generation, t.ordinal),
  ],
);
