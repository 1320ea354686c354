import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { Embeddings } from "../../lib/embeddings";
import { resolveCollection } from "./collections.service";
import { type SearchMode, searchMode } from "./search-mode";

export interface SearchDeps {
  db: Database;
  embeddings: Embeddings | null;
}

export interface SearchInput {
  q: string;
  collection?: string;
  limit: number;
}

interface Candidate {
  id: string;
  lexicalRank?: number;
  vectorRank?: number;
  score: number;
}

// Candidates taken from each ranking before fusion; the portable vector pool is wider because it
// is drawn from lexical matches of any query word.
const CANDIDATES = 50;
const PORTABLE_POOL = 300;
// Reciprocal rank fusion constant (Cormack et al.): damps the weight of the very top ranks.
const RRF_K = 60;
const MARK_START = "\u0002";
const MARK_END = "\u0003";
const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=50, MinWords=25`;

/** Searches the tenant's chunks and returns cited passages (document, title, page, snippet). */
export async function searchKnowledge(deps: SearchDeps, tenantId: string, input: SearchInput) {
  const { db } = deps;
  const collectionId = input.collection ? (await resolveCollection(db, tenantId, input.collection)).id : null;
  const scope: Scope = { tenantId, collectionId };
  const mode = await searchMode(db, deps.embeddings);
  if (mode === "full-text" || !deps.embeddings) {
    return { mode, data: await fullTextPassages(db, scope, input.q, input.limit) };
  }
  const [lexical, vector] = await Promise.all([
    lexicalCandidates(db, scope, input.q),
    deps.embeddings.embed([input.q]).then(([first]) => first),
  ]);
  const similar = vector ? await vectorCandidates(db, scope, input.q, vector, mode) : [];
  const top = fuse(lexical, similar).slice(0, input.limit);
  return { mode, data: await passages(db, tenantId, input.q, top) };
}

/** Full-text only: candidates, their documents and snippets in one round trip. */
async function fullTextPassages(db: Database, scope: Scope, q: string, limit: number) {
  const query = sql`websearch_to_tsquery('english', ${q})`;
  const result = await db.execute(sql`
    select p.id, p.rank, c.document_id, d.title, c.page, c.heading,
      ts_headline('english', c.content, ${query}, ${HEADLINE}) as snippet
    from ${candidates(scope, query, limit)} p
    join document_chunks c on c.id = p.id
    join documents d on d.id = c.document_id
    order by p.rank desc, p.id`);
  return result.rows.map((row, index) =>
    toPassage(row, { id: String(row.id), lexicalRank: index + 1, score: Number(row.rank) }),
  );
}

interface Scope {
  tenantId: string;
  collectionId: string | null;
}

// knowledge_lexical_candidates (migration 0006) ranks the tenant's chunks matching a tsquery.
const candidates = (scope: Scope, query: SQL, limit: number) =>
  sql`knowledge_lexical_candidates(${scope.tenantId}::uuid, ${scope.collectionId}::uuid, ${query}, ${limit})`;

async function lexicalCandidates(db: Database, scope: Scope, q: string) {
  const result = await db.execute(
    sql`select id, rank from ${candidates(scope, sql`websearch_to_tsquery('english', ${q})`, CANDIDATES)}`,
  );
  return result.rows.map((row) => ({ id: String(row.id), rank: Number(row.rank) }));
}

async function vectorCandidates(db: Database, scope: Scope, q: string, vector: number[], mode: SearchMode) {
  const anyWord = sql`replace(plainto_tsquery('english', ${q})::text, '&', '|')::tsquery`;
  const result =
    mode === "hybrid-pgvector"
      ? await db.execute(sql`
          select c.id, 1 - (c.embedding::vector <=> ${`[${vector.join(",")}]`}::vector) as similarity
          from document_chunks c
          where c.tenant_id = ${scope.tenantId}
            ${scope.collectionId ? sql`and c.collection_id = ${scope.collectionId}` : sql``}
            and c.embedding is not null and array_length(c.embedding, 1) = ${vector.length}
          order by c.embedding::vector <=> ${`[${vector.join(",")}]`}::vector
          limit ${CANDIDATES}`)
      : await db.execute(sql`
          select c.id,
            (select sum(a * b) from unnest(c.embedding, ${`{${vector.join(",")}}`}::real[]) as u(a, b)) as similarity
          from ${candidates(scope, anyWord, PORTABLE_POOL)} pool
          join document_chunks c on c.id = pool.id
          where c.embedding is not null and array_length(c.embedding, 1) = ${vector.length}
          order by similarity desc nulls last
          limit ${CANDIDATES}`);
  return result.rows.map((row) => ({ id: String(row.id), similarity: Number(row.similarity) }));
}

/** Reciprocal rank fusion of the two rankings. */
export function fuse(lexical: Array<{ id: string }>, vector: Array<{ id: string }>): Candidate[] {
  const byId = new Map<string, Candidate>();
  lexical.forEach((row, index) => {
    byId.set(row.id, { id: row.id, lexicalRank: index + 1, score: 1 / (RRF_K + index + 1) });
  });
  vector.forEach((row, index) => {
    const existing = byId.get(row.id) ?? { id: row.id, score: 0 };
    existing.vectorRank = index + 1;
    existing.score += 1 / (RRF_K + index + 1);
    byId.set(row.id, existing);
  });
  return [...byId.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

async function passages(db: Database, tenantId: string, q: string, top: Candidate[]) {
  if (top.length === 0) return [];
  const ids = top.map((candidate) => candidate.id);
  const result = await db.execute(sql`
    select c.id, c.document_id, d.title, c.page, c.heading,
      ts_headline('english', c.content, websearch_to_tsquery('english', ${q}), ${HEADLINE}) as snippet
    from document_chunks c join documents d on d.id = c.document_id
    where c.tenant_id = ${tenantId} and c.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
  const rows = new Map(result.rows.map((row) => [String(row.id), row]));
  return top.flatMap((candidate) => {
    const row = rows.get(candidate.id);
    return row ? [toPassage(row, candidate)] : [];
  });
}

function toPassage(row: Record<string, unknown>, candidate: Candidate) {
  return {
    chunkId: candidate.id,
    documentId: String(row.document_id),
    title: String(row.title),
    page: row.page === null ? null : Number(row.page),
    heading: row.heading === null ? null : String(row.heading),
    score: Math.round(candidate.score * 1e6) / 1e6,
    ranks: { fullText: candidate.lexicalRank ?? null, vector: candidate.vectorRank ?? null },
    snippet: highlight(String(row.snippet)),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** HTML-safe snippet: the document's own text is escaped, only our <mark> tags are markup. */
export function highlight(snippet: string): string {
  return escapeHtml(snippet).replaceAll(MARK_START, "<mark>").replaceAll(MARK_END, "</mark>");
}
