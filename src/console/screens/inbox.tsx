import { useEffect, useRef, useState } from "preact/hooks";
import { tc } from "../conversation-strings";
import type { InboxFilter, InboxRow } from "../inbox-state";
import { navigate } from "../router";
import { t } from "../strings";
import { InboxFilters } from "./inbox-filters";
import { Snippet } from "./snippet";

const ROW_HEIGHT = 72;
const OVERSCAN = 8;

interface Props {
  rows: InboxRow[];
  openId: string | null;
  typing: Set<string>;
  filter: InboxFilter;
  onFilter(change: Partial<InboxFilter>): void;
  query: string;
  onQuery(query: string): void;
  /** With a search: the server's snippet (matches marked) per conversation. */
  snippets: Map<string, string> | null;
  searching: boolean;
  /** The channels the inbox has seen (the channel filter's choices). */
  channels: string[];
  connected: boolean;
}

/**
 * The live conversation list. Only the rows in view are rendered (it stays fast with thousands), and
 * it is one listbox: arrow keys move, Enter opens.
 */
export function Inbox(props: Props) {
  const { rows, openId } = props;
  const list = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    const element = list.current;
    if (!element) return;
    const top = next * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight)
      element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  };
  const onKey = (event: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(activeIndex + 1),
      ArrowUp: () => moveTo(activeIndex - 1),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      Enter: () => {
        const row = rows[activeIndex];
        if (row) navigate(`/conversations/${row.id}`);
      },
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };
  const activeRow = rows[activeIndex];
  return (
    <section class="inbox" aria-label={t.inbox}>
      <div class="inbox-tools">
        <label>
          <span class="sr-only">{t.search}</span>
          <input
            type="search"
            placeholder={t.search}
            value={props.query}
            onInput={(e) => props.onQuery(e.currentTarget.value)}
          />
        </label>
        <span class={`live ${props.connected ? "on" : "off"}`} role="status">
          {props.connected ? t.live : t.reconnecting}
        </span>
      </div>
      <InboxFilters filter={props.filter} onFilter={props.onFilter} channels={props.channels} />
      <p class="count" aria-live="polite">
        {props.searching
          ? tc.searching
          : props.snippets
            ? tc.searchResults(rows.length)
            : t.conversationsCount(rows.length)}
      </p>
      <div
        ref={list}
        class="inbox-list"
        role="listbox"
        tabIndex={0}
        aria-label={t.inbox}
        aria-activedescendant={activeRow ? `row-${activeRow.id}` : undefined}
        onKeyDown={onKey}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        {rows.length === 0 && <p class="empty">{t.noConversations}</p>}
        <div style={{ height: `${rows.length * ROW_HEIGHT}px`, position: "relative" }}>
          {rows.slice(first, last).map((row, offset) => {
            const index = first + offset;
            return (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keyboard
              <div
                id={`row-${row.id}`}
                key={row.id}
                role="option"
                tabIndex={-1}
                aria-selected={row.id === openId}
                class={`row${index === activeIndex ? " active" : ""}${row.id === openId ? " open" : ""}`}
                style={{ top: `${index * ROW_HEIGHT}px`, height: `${ROW_HEIGHT}px` }}
                onClick={() => {
                  setActive(index);
                  navigate(`/conversations/${row.id}`);
                }}
              >
                <span class="who">{row.visitorId ?? row.id.slice(0, 8)}</span>
                <span class={`badge status-${row.status}`}>{t.status[row.status] ?? row.status}</span>
                {row.unread > 0 && <span class="unread">{t.unread(row.unread)}</span>}
                <span class="preview">
                  {props.typing.has(row.id) ? (
                    t.typing(t.sender.visitor ?? "")
                  ) : props.snippets?.has(row.id) ? (
                    <Snippet html={props.snippets.get(row.id) ?? ""} />
                  ) : (
                    (row.lastMessagePreview ?? "")
                  )}
                </span>
                {(row.labels?.length ?? 0) > 0 && (
                  <span class="row-labels">
                    {row.labels?.map((label) => (
                      <span class="label-chip" style={{ borderColor: label.color }}>
                        {label.name}
                      </span>
                    ))}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
