import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ConversationStatus, conversations, type Priority, readReceipts } from "../../db/schema";
import { base64url, fromBase64url } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { searchParts, snippetHtml, toSearchQuery } from "./conversation-search";
import type { Sender } from "./conversations.protocol";
import { conversationView } from "./conversations.views";

interface ListFilters {
  status?: ConversationStatus;
  assigneeId?: string;
  teamId?: string;
  visitorId?: string;
  customerUserId?: string;
  channel?: string;
  contactId?: string;
  label?: string;
  priority?: Priority;
  q?: string;
  sort: "updated" | "priority";
  updatedSince?: string;
  cursor?: string;
  limit: number;
}

type LabelRef = { id: string; name: string; color: string };

/** Where the next page starts: after a row (newest activity first), or after so many (ranked orders). */
type Cursor = { updatedAt: Date; id: string } | { offset: number };

const invalidCursor = () =>
  new AppError("validation_failed", "Invalid cursor", [{ path: "cursor", message: "Invalid cursor" }]);

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(new TextDecoder().decode(fromBase64url(cursor))) as {
      u?: string;
      i?: string;
      o?: number;
    };
    if (Number.isSafeInteger(value.o) && (value.o ?? -1) >= 0) return { offset: value.o ?? 0 };
    const updatedAt = new Date(value.u ?? "");
    if (Number.isNaN(updatedAt.getTime()) || typeof value.i !== "string") throw new Error();
    return { updatedAt, id: value.i };
  } catch {
    throw invalidCursor();
  }
}

const encodeCursor = (value: object) => base64url(new TextEncoder().encode(JSON.stringify(value)));

// Most urgent first.
const PRIORITY_RANK = sql<number>`(case ${conversations.priority} when 'urgent' then 4 when 'high' then 3
  when 'medium' then 2 when 'low' then 1 else 0 end)`;

/**
 * One page of the tenant's conversations with the caller's unread counts and labels: newest activity
 * first, most urgent first (`sort=priority`), or with `q` the best full-text matches first, each with
 * a highlighted snippet.
 */
export async function listConversations(
  db: Database,
  tenantId: string,
  reader: Sender,
  filters: ListFilters,
) {
  const query = filters.q ? await toSearchQuery(db, filters.q) : null;
  if (filters.q && !query) return { data: [], nextCursor: null };
  const search = query ? searchParts(tenantId, query) : null;
  const ranked = search !== null || filters.sort === "priority";
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (cursor && ranked !== "offset" in cursor) throw invalidCursor();
  const conditions: (SQL | undefined)[] = [
    eq(conversations.tenantId, tenantId),
    filters.status ? eq(conversations.status, filters.status) : undefined,
    filters.assigneeId ? eq(conversations.assigneeId, filters.assigneeId) : undefined,
    filters.teamId ? eq(conversations.teamId, filters.teamId) : undefined,
    filters.visitorId ? eq(conversations.visitorId, filters.visitorId) : undefined,
    filters.customerUserId ? eq(conversations.customerUserId, filters.customerUserId) : undefined,
    filters.channel ? eq(conversations.channel, filters.channel) : undefined,
    filters.contactId ? eq(conversations.contactId, filters.contactId) : undefined,
    filters.priority ? eq(conversations.priority, filters.priority) : undefined,
    filters.label
      ? sql`exists (select 1 from conversation_labels cl
          where cl.conversation_id = ${conversations.id} and cl.label_id = ${filters.label})`
      : undefined,
    filters.updatedSince ? gte(conversations.updatedAt, new Date(filters.updatedSince)) : undefined,
    search?.where,
  ];
  if (cursor && "updatedAt" in cursor)
    conditions.push(
      or(
        lt(conversations.updatedAt, cursor.updatedAt),
        and(eq(conversations.updatedAt, cursor.updatedAt), lt(conversations.id, cursor.id)),
      ),
    );
  const participant = `${reader.kind}:${reader.id}`;
  const rank = search
    ? sql<number>`greatest(coalesce(${search.messageRank}, 0), coalesce(${search.contactRank}, 0))`
    : sql<number>`0`;
  const offset = cursor && "offset" in cursor ? cursor.offset : 0;
  const rows = await db
    .select({
      conversation: conversations,
      unreadCount: sql<number>`(
        select count(*)::int from messages m
        where m.conversation_id = ${conversations.id}
          and m.seq > coalesce(${readReceipts.seq}, 0)
          and not (m.sender_kind = ${reader.kind} and m.sender_id = ${reader.id}))`,
      // In the same statement: a second query for the page's labels was a second round trip. The
      // outer row is named in full: drizzle leaves a column unqualified when no table is joined.
      labels: sql<LabelRef[]>`coalesce((
        select json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color) order by l.name)
        from conversation_labels cl join labels l on l.id = cl.label_id
        where cl.conversation_id = conversations.id), '[]'::json)`,
      rank: sql<number>`${rank}::float`,
      messageSnippet: search ? search.messageSnippet : sql<string | null>`null`,
      contactSnippet: search ? search.contactSnippet : sql<string | null>`null`,
    })
    .from(conversations)
    .leftJoin(
      readReceipts,
      and(eq(readReceipts.conversationId, conversations.id), eq(readReceipts.participant, participant)),
    )
    .where(and(...conditions))
    .orderBy(
      ...(search ? [desc(rank)] : filters.sort === "priority" ? [desc(PRIORITY_RANK)] : []),
      desc(conversations.updatedAt),
      desc(conversations.id),
    )
    .limit(filters.limit + 1)
    .offset(offset);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1)?.conversation;
  const more = rows.length > filters.limit && last;
  const nextCursor = !more
    ? null
    : ranked
      ? encodeCursor({ o: offset + filters.limit })
      : encodeCursor({ u: last.updatedAt.toISOString(), i: last.id });
  return {
    data: page.map((r) => {
      const snippet = r.messageSnippet ?? r.contactSnippet;
      return {
        ...conversationView(r.conversation),
        unreadCount: r.unreadCount,
        labels: r.labels,
        ...(search && snippet !== null
          ? {
              search: {
                rank: r.rank,
                snippet: snippetHtml(snippet),
                matched: r.messageSnippet !== null ? ("message" as const) : ("contact" as const),
              },
            }
          : {}),
      };
    }),
    nextCursor,
  };
}
