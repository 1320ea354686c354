import { type SQL, sql } from "drizzle-orm";
import { termGroups } from "./synonyms";

/** The tenant (and optionally one collection) a search runs over. */
export interface Scope {
  tenantId: string;
  collectionId: string | null;
}

// Candidates ts_rank_cd picks from the any-word query before they are re-scored by term weights.
const POOL = 200;
// Stems this long also match longer words (prefix: "deliver" finds "delivery", "delivered"); shorter
// ones would match too much ("go:*").
const PREFIX_MIN = 4;

const scoped = (scope: Scope, alias = "c") =>
  sql`${sql.raw(alias)}.tenant_id = ${scope.tenantId}
    ${scope.collectionId ? sql`and ${sql.raw(alias)}.collection_id = ${scope.collectionId}` : sql``}`;

/**
 * CTEs `terms (q, idf)` — the question's english-stemmed words (stop words dropped, synonyms as
 * alternatives: see synonyms.ts) with their BM25
 * inverse document frequency among the scope's chunks — and `anyq (q)`, their OR as one tsquery.
 * A word no chunk contains keeps the highest weight: it counts against a passage's coverage.
 */
export function termsCte(scope: Scope, q: string): SQL {
  return sql`
    groups as (
      select g.i, g.words from jsonb_array_elements(${JSON.stringify(termGroups(q))}::jsonb) with ordinality g(words, i)
    ),
    words as (
      select string_agg(distinct quote_literal(l.lexeme) || case when length(l.lexeme) >= ${PREFIX_MIN} then ':*' else '' end, ' | ')::tsquery as q
      from groups g
      cross join lateral jsonb_array_elements_text(g.words) w(word)
      cross join lateral unnest(to_tsvector('english', w.word)) l
      group by g.i
    ),
    total as (select count(*)::float8 as n from document_chunks c where ${scoped(scope)}),
    terms as (
      select w.q, ln(1 + (total.n - df.n + 0.5) / (df.n + 0.5)) as idf, df.n as df
      from words w cross join total
      cross join lateral (
        select count(*)::float8 as n from document_chunks c where ${scoped(scope)} and c.tsv @@ w.q
      ) df
    ),
    anyq as (select string_agg(q::text, ' | ')::tsquery as q from terms where df > 0)`;
}

/**
 * CTE `lexical (id, coverage, score)`: chunks matching any word of the question, scored by the share of the
 * question's term weight they contain (so rare, telling words count most and no word is required),
 * plus ts_rank_cd (proximity, heading weight) to order passages covering the same words.
 * Needs termsCte first.
 */
export function lexicalCte(scope: Scope, limit: number): SQL {
  return sql`
    pool as (
      select id, rank from knowledge_lexical_candidates(
        ${scope.tenantId}::uuid, ${scope.collectionId}::uuid, (select q from anyq), ${POOL})
    ),
    covered as (
      select p.id, p.rank,
        coalesce(sum(t.idf) filter (where c.tsv @@ t.q), 0) / nullif((select sum(idf) from terms), 0) as coverage
      from pool p
      join document_chunks c on c.id = p.id
      cross join terms t
      group by p.id, p.rank
    ),
    lexical as (
      select id, coverage, coverage + 0.2 * rank as score
      from covered
      order by score desc, id
      limit ${limit}
    )`;
}

/** SQL for the scored share of the question's term weight each of `texts` contains (index, coverage). */
export function coverageOf(scope: Scope, q: string, texts: string[]): SQL {
  return sql`
    with ${termsCte(scope, q)}
    select s.i::int as i,
      coalesce(sum(t.idf) filter (where to_tsvector('english', s.text) @@ t.q), 0)
        / nullif((select sum(idf) from terms), 0) as coverage
    from jsonb_array_elements_text(${JSON.stringify(texts)}::jsonb) with ordinality as s(text, i)
    cross join terms t
    group by s.i
    order by s.i`;
}
