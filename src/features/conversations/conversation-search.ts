import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";

// Matches are marked with two control characters (never in the text: they are removed first), and
// the snippet is HTML-escaped before they become <mark>: a message's own markup stays text.
const START = "\u0002";
const STOP = "\u0003";
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * The search as a Postgres tsquery: every word of `q` (as the 'simple' parser splits it, so emails
 * and numbers stay whole) must match, each as a prefix ("refund" finds "refunds"). Null: no words.
 */
export async function toSearchQuery(db: Database, q: string): Promise<string | null> {
  const result = await db.execute<{ query: string | null }>(sql`
    select string_agg('''' || w || ''':*', ' & ') as query from (
      select replace(replace(lexeme, '''', ''), '\\', '') as w from unnest(to_tsvector('simple', ${q}))
    ) words where w <> ''`);
  return result.rows[0]?.query ?? null;
}

/** The SQL pieces of a search: which conversations match, how well, and a highlighted snippet. */
export function searchParts(tenantId: string, query: string) {
  const q = sql`to_tsquery('simple', ${query})`;
  const contactText = sql`coalesce(ct.name, '') || ' ' || coalesce(ct.email, '') || ' ' || coalesce(ct.phone, '')`;
  const clean = (text: SQL) => sql`translate(${text}, ${START + STOP}, '')`;
  return {
    where: sql`(conversations.id in (
        select m.conversation_id from messages m where m.tenant_id = ${tenantId} and m.search_vector @@ ${q})
      or conversations.contact_id in (
        select ct.id from contacts ct where ct.tenant_id = ${tenantId} and ct.search_vector @@ ${q}))`,
    messageRank: sql<number | null>`(select max(ts_rank(m.search_vector, ${q})) from messages m
      where m.conversation_id = conversations.id and m.search_vector @@ ${q})`,
    contactRank: sql<number | null>`(select ts_rank(ct.search_vector, ${q}) from contacts ct
      where ct.id = conversations.contact_id and ct.search_vector @@ ${q})`,
    messageSnippet: sql<string | null>`(select ts_headline('simple', ${clean(sql`m.text`)}, ${q}, ${HEADLINE})
      from messages m where m.conversation_id = conversations.id and m.search_vector @@ ${q}
      order by ts_rank(m.search_vector, ${q}) desc, m.seq desc limit 1)`,
    contactSnippet: sql<string | null>`(select ts_headline('simple', ${clean(contactText)}, ${q}, ${HEADLINE})
      from contacts ct where ct.id = conversations.contact_id and ct.search_vector @@ ${q})`,
  };
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** A headline as safe HTML: the text escaped, the matches in <mark>. */
export function snippetHtml(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
    .replaceAll(START, "<mark>")
    .replaceAll(STOP, "</mark>");
}
