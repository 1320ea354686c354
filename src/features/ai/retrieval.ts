import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { documentChunks } from "../../db/schema";
import type { Config } from "../../env";
import { AppError } from "../../lib/errors";
import { createEmbeddings } from "../../providers/embeddings";
import { searchKnowledge } from "../knowledge/search.service";

export interface Passage {
  chunkId: string;
  documentId: string;
  title: string;
  page: number | null;
  score: number;
  heading: string | null;
  content: string;
}

export interface Citation {
  documentId: string;
  title: string;
  page: number | null;
}

const PASSAGES = 4;

/** The best passages for `query` from the given collections (all of the tenant's when none). */
export async function retrieve(
  deps: { db: Database; config: Config },
  tenantId: string,
  collections: string[],
  query: string,
): Promise<Passage[]> {
  const q = query.trim().slice(0, 500);
  if (!q) return [];
  const search = { db: deps.db, embeddings: createEmbeddings(deps.config) };
  const scopes = collections.length > 0 ? collections : [undefined];
  const found = (
    await Promise.all(
      scopes.map((collection) =>
        searchKnowledge(search, tenantId, {
          q,
          limit: PASSAGES,
          ...(collection ? { collection } : {}),
        }).catch((error: unknown) => {
          // A collection deleted after the agent was configured just contributes nothing.
          if (error instanceof AppError && error.code === "not_found") return { data: [] };
          throw error;
        }),
      ),
    )
  ).flatMap((result) => result.data);
  const best = found.sort((a, b) => b.score - a.score).slice(0, PASSAGES);
  if (best.length === 0) return [];
  const rows = await deps.db
    .select({ id: documentChunks.id, heading: documentChunks.heading, content: documentChunks.content })
    .from(documentChunks)
    .where(
      inArray(
        documentChunks.id,
        best.map((p) => p.chunkId),
      ),
    );
  const chunks = new Map(rows.map((row) => [row.id, row]));
  return best.map((p) => ({
    chunkId: p.chunkId,
    documentId: p.documentId,
    title: p.title,
    page: p.page,
    score: p.score,
    heading: chunks.get(p.chunkId)?.heading ?? null,
    content: chunks.get(p.chunkId)?.content ?? "",
  }));
}

/** Distinct document/page pairs, in the order the passages were used. */
export function citationsOf(passages: Passage[]): Citation[] {
  const seen = new Set<string>();
  const citations: Citation[] = [];
  for (const p of passages) {
    const key = `${p.documentId}:${p.page ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    citations.push({ documentId: p.documentId, title: p.title, page: p.page });
  }
  return citations;
}
