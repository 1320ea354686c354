import { type ComponentType, render } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ConversationView } from "../features/conversations/conversations.views";
import type { InboxEvent } from "../features/inbox/inbox.protocol";
import { api, onSession, refresh, type SessionInfo, signOut } from "./api";
import { addPage, applyInbox, emptyInbox, type InboxState, markRead, visibleRows } from "./inbox-state";
import { openInbox } from "./live";
import { navigate, usePath } from "./router";
import { Conversation } from "./screens/conversation";
import { Inbox } from "./screens/inbox";
import { Login } from "./screens/login";
import { t } from "./strings";

type Listener = (event: InboxEvent) => void;
interface KnowledgeProps {
  subscribe(listener: Listener): () => void;
}

/** A screen loaded on first use (its code is a separate chunk). */
function useLazy<P>(
  load: () => Promise<{ default: ComponentType<P> }>,
  wanted: boolean,
): ComponentType<P> | null {
  const [screen, setScreen] = useState<{ component: ComponentType<P> } | null>(null);
  useEffect(() => {
    if (wanted && !screen) void load().then((module) => setScreen({ component: module.default }));
  }, [wanted]);
  return screen?.component ?? null;
}

const SECTIONS = [
  { path: "/", label: t.inbox },
  { path: "/knowledge", label: t.knowledge },
  { path: "/policies", label: t.policies.title },
  { path: "/settings", label: t.settings },
];
/** The inbox holds up to this many pages of 100 conversations (the newest). */
const MAX_PAGES = 100;
const PAGES = SECTIONS.slice(1).map((section) => section.path);

/** The signed-in console: the live inbox beside the open conversation, and the other sections. */
function Workspace({ session }: { session: SessionInfo }) {
  const path = usePath();
  const listeners = useRef(new Set<Listener>());
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const Knowledge = useLazy<KnowledgeProps>(() => import("./screens/knowledge"), path === "/knowledge");
  const Settings = useLazy<object>(() => import("./screens/settings"), path === "/settings");
  const Policies = useLazy<KnowledgeProps>(() => import("./screens/policies"), path === "/policies");
  const openId = /^\/conversations\/([^/]+)$/.exec(path)?.[1] ?? null;
  const [inbox, setInbox] = useState<InboxState>(emptyInbox);
  const [connected, setConnected] = useState(false);
  const [status, setStatus] = useState("all");
  const [query, setQuery] = useState("");
  const openIdRef = useRef(openId);
  openIdRef.current = openId;
  useEffect(() => {
    const live = openInbox((frame) => {
      setInbox((state) => applyInbox(state, frame, openIdRef.current));
      if (frame.type !== "snapshot") for (const listener of listeners.current) listener(frame);
    }, setConnected);
    // The socket's snapshot has the newest conversations; the REST list pages in the rest (with
    // each one's unread count for this user) while the inbox is already usable.
    let stopped = false;
    void (async () => {
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES && !stopped; page += 1) {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const result = await api<{
          data: (ConversationView & { unreadCount: number })[];
          nextCursor: string | null;
        }>(`/api/conversations?limit=100${query}`).catch(() => null);
        if (!result || stopped) return;
        setInbox((state) => addPage(state, result.data));
        cursor = result.nextCursor;
        if (!cursor) return;
      }
    })();
    return () => {
      stopped = true;
      live.close();
    };
  }, []);
  useEffect(() => {
    if (openId) setInbox((state) => markRead(state, openId));
  }, [openId]);
  // A focused conversation moves focus to its composer; back in the inbox, to the list.
  useEffect(() => {
    const target = openId
      ? document.getElementById("reply")
      : document.querySelector<HTMLElement>(".inbox-list");
    target?.focus();
  }, [openId]);
  return (
    <div class="workspace">
      <header class="top">
        <span class="brand">{t.appName}</span>
        <span class="tenant">{session.tenant.name}</span>
        <span class="user">{session.user.name || session.user.email}</span>
        <button type="button" onClick={() => void signOut()}>
          {t.signOut}
        </button>
      </header>
      <nav class="sections" aria-label={t.nav}>
        {SECTIONS.map((section) => (
          <a
            href={`/app${section.path}`}
            aria-current={
              (section.path === "/" ? !PAGES.includes(path) : path === section.path) ? "page" : undefined
            }
            onClick={(event) => {
              event.preventDefault();
              navigate(section.path);
            }}
          >
            {section.label}
          </a>
        ))}
      </nav>
      {path === "/knowledge" ? (
        Knowledge && <Knowledge subscribe={subscribe} />
      ) : path === "/policies" ? (
        Policies && <Policies subscribe={subscribe} />
      ) : path === "/settings" ? (
        Settings && <Settings />
      ) : (
        <div class={`panes${openId ? " has-open" : ""}`}>
          <Inbox
            rows={visibleRows(inbox, status, query)}
            openId={openId}
            typing={inbox.typing}
            status={status}
            query={query}
            onStatus={setStatus}
            onQuery={setQuery}
            connected={connected}
          />
          {openId ? (
            <Conversation key={openId} id={openId} row={inbox.rows.get(openId)} />
          ) : (
            <section class="conversation placeholder">
              <p>{t.selectConversation}</p>
            </section>
          )}
        </div>
      )}
    </div>
  );
}

function App() {
  const [state, setState] = useState<{ session: SessionInfo | null; ready: boolean; notice: string | null }>({
    session: null,
    ready: false,
    notice: null,
  });
  useEffect(() => {
    // Signed out by the server (expired, revoked), not by the button: say so.
    const stop = onSession((session, expired) =>
      setState({ session, ready: true, notice: expired ? t.sessionExpired : null }),
    );
    void refresh();
    return stop;
  }, []);
  if (!state.ready) return null;
  return state.session ? <Workspace session={state.session} /> : <Login notice={state.notice} />;
}

const root = document.getElementById("app");
if (root) render(<App />, root);
