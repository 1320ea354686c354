// The inbox's data: the live socket, the REST pages behind it, the server's filtered pages and its
// full-text search (`q`), all merged into one state the list shows.
import { useEffect, useRef, useState } from "preact/hooks";
import type { InboxEvent } from "../features/inbox/inbox.protocol";
import { api, session } from "./api";
import {
  addPage,
  applyInbox,
  emptyInbox,
  type InboxFilter,
  type InboxState,
  type ListItem,
  listQuery,
  markRead,
  noFilter,
} from "./inbox-state";
import { openInbox } from "./live";

/** The inbox holds up to this many pages of 100 conversations (the newest). */
const MAX_PAGES = 100;
/** A filter brings in this many pages of matching older conversations from the server. */
const FILTER_PAGES = 5;
const SEARCH_DELAY_MS = 250;

type Page = { data: ListItem[]; nextCursor: string | null };

/** Pages of the list API into the state until `pages` or the end (or `stopped()`). */
async function pageIn(
  query: string,
  pages: number,
  stopped: () => boolean,
  add: (page: ListItem[]) => void,
): Promise<void> {
  let cursor: string | null = null;
  for (let page = 0; page < pages && !stopped(); page += 1) {
    const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const result: Page | null = await api<Page>(`/api/conversations?limit=100${query}${after}`).catch(
      () => null,
    );
    if (!result || stopped()) return;
    add(result.data);
    cursor = result.nextCursor;
    if (!cursor) return;
  }
}

export interface SearchResult {
  ids: string[];
  snippets: Map<string, string>;
}

/** The live inbox with filters and search; `onEvent` hears every event (the other screens listen). */
export function useInbox(openId: string | null, onEvent: (event: InboxEvent) => void) {
  const [inbox, setInbox] = useState<InboxState>(emptyInbox);
  const [connected, setConnected] = useState(false);
  const [filter, setFilter] = useState<InboxFilter>(noFilter);
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState<SearchResult | null>(null);
  const [searching, setSearching] = useState(false);
  const openIdRef = useRef(openId);
  openIdRef.current = openId;
  const me = session()?.user.id ?? null;
  const add = (page: ListItem[]) => setInbox((state) => addPage(state, page));

  useEffect(() => {
    const live = openInbox((frame) => {
      setInbox((state) => applyInbox(state, frame, openIdRef.current));
      if (frame.type !== "snapshot") onEvent(frame);
    }, setConnected);
    // The socket's snapshot has the newest conversations; the REST list pages in the rest (with
    // each one's unread count and labels) while the inbox is already usable.
    let stopped = false;
    void pageIn("", MAX_PAGES, () => stopped, add);
    return () => {
      stopped = true;
      live.close();
    };
  }, []);

  // A filter also asks the server, so older matching conversations appear; the list filters live.
  useEffect(() => {
    const server = listQuery(filter, me);
    if (!server) return;
    let stopped = false;
    void pageIn(`&${server}`, FILTER_PAGES, () => stopped, add);
    return () => {
      stopped = true;
    };
  }, [filter]);

  useEffect(() => {
    if (!query.trim()) {
      setSearch(null);
      setSearching(false);
      return;
    }
    setSearching(true);
    let stopped = false;
    const timer = setTimeout(async () => {
      const result = await api<Page>(`/api/conversations?limit=100&${listQuery(filter, me, query)}`).catch(
        () => null,
      );
      if (stopped) return;
      setSearching(false);
      if (!result) return;
      add(result.data);
      setSearch({
        ids: result.data.map((row) => row.id),
        snippets: new Map(result.data.flatMap((row) => (row.search ? [[row.id, row.search.snippet]] : []))),
      });
    }, SEARCH_DELAY_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [query, filter]);

  useEffect(() => {
    if (openId) setInbox((state) => markRead(state, openId));
  }, [openId]);

  // A change merges into the filters as they are now (two quick changes both count).
  const changeFilter = (change: Partial<InboxFilter>) => setFilter((now) => ({ ...now, ...change }));
  return { inbox, setInbox, connected, filter, changeFilter, query, setQuery, search, searching, me };
}
