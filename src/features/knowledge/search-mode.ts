import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { describeError, log } from "../../lib/logger";
import type { Embeddings } from "../../providers/embeddings";

/**
 * How knowledge search ranks:
 * - `full-text`: tsvector/GIN ranking only (no embeddings provider configured).
 * - `hybrid-pgvector`: full-text fused with nearest neighbours from the `vector` extension (the
 *   migrator gives chunks a stored `embedding_vector` where the extension exists).
 * - `hybrid-portable`: full-text fused with cosine similarity computed in plain SQL over a wider
 *   lexical candidate pool (any query word), for Postgres servers without the extension.
 */
export type SearchMode = "full-text" | "hybrid-pgvector" | "hybrid-portable";

// A fact about the database, not a connection: safe to remember for the isolate's life.
let vectorColumn: boolean | undefined;

/** Whether chunks have `embedding_vector`, i.e. pgvector is there and migrated (checked once per isolate). */
export async function hasVectorColumn(db: Database): Promise<boolean> {
  if (vectorColumn !== undefined) return vectorColumn;
  const result = await db.execute(sql`
    select 1 from pg_attribute
    where attrelid = 'document_chunks'::regclass and attname = 'embedding_vector' and not attisdropped`);
  vectorColumn = result.rows.length > 0;
  return vectorColumn;
}

/** The mode search runs in with this database and embeddings provider. */
export async function searchMode(db: Database, embeddings: Embeddings | null): Promise<SearchMode> {
  if (!embeddings) return "full-text";
  return (await hasVectorColumn(db)) ? "hybrid-pgvector" : "hybrid-portable";
}

/** For /api/status: the mode, or why it is unknown (the database did not answer). */
export async function describeSearchMode(db: Database, embeddings: Embeddings | null): Promise<string> {
  try {
    return await searchMode(db, embeddings);
  } catch (error) {
    log("warn", "search mode unknown", describeError(error));
    return embeddings ? "hybrid (database unreachable)" : "full-text";
  }
}
