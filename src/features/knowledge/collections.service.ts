import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { collections, documents } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { isUuid } from "../../lib/ids";

type CollectionRow = typeof collections.$inferSelect;

function collectionView(row: CollectionRow, documentCount: number) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    documentCount,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A collection of the tenant by id or by name; another tenant's (or none) is a 404. */
export async function resolveCollection(db: Database, tenantId: string, ref: string): Promise<CollectionRow> {
  const match = isUuid(ref) ? eq(collections.id, ref) : eq(collections.name, ref);
  const [row] = await db
    .select()
    .from(collections)
    .where(and(eq(collections.tenantId, tenantId), match));
  if (!row) throw notFound("Collection");
  return row;
}

/** The tenant's collection called `name`, created on first use (uploads name their collection). */
export async function ensureCollection(db: Database, tenantId: string, name: string): Promise<CollectionRow> {
  const [created] = await db
    .insert(collections)
    .values({ tenantId, name })
    .onConflictDoNothing({ target: [collections.tenantId, collections.name] })
    .returning();
  return created ?? resolveCollection(db, tenantId, name);
}

export async function listCollections(db: Database, tenantId: string) {
  const rows = await db
    .select({ collection: collections, documentCount: count(documents.id) })
    .from(collections)
    .leftJoin(documents, eq(documents.collectionId, collections.id))
    .where(eq(collections.tenantId, tenantId))
    .groupBy(collections.id)
    .orderBy(asc(collections.name));
  return rows.map((row) => collectionView(row.collection, row.documentCount));
}

export async function createCollection(
  db: Database,
  tenantId: string,
  input: { name: string; description?: string },
) {
  const [row] = await db
    .insert(collections)
    .values({ tenantId, name: input.name, description: input.description ?? null })
    .onConflictDoNothing({ target: [collections.tenantId, collections.name] })
    .returning();
  if (!row) throw new AppError("conflict", `A collection named "${input.name}" already exists`);
  return collectionView(row, 0);
}

/** Deletes an empty collection; one that still holds documents is a 409 (delete or move them first). */
export async function deleteCollection(db: Database, tenantId: string, id: string) {
  const row = await resolveCollection(db, tenantId, id);
  const [usage] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(documents)
    .where(eq(documents.collectionId, row.id));
  if ((usage?.n ?? 0) > 0) {
    throw new AppError("conflict", `The collection still holds ${usage?.n} document(s); delete them first`, {
      documentCount: usage?.n,
    });
  }
  await db.delete(collections).where(and(eq(collections.id, row.id), eq(collections.tenantId, tenantId)));
}
