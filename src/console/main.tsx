import { type ComponentType, render } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { InboxEvent } from "../features/inbox/inbox.protocol";
import { onSession, refresh, type SessionInfo, signOut } from "./api";
import { updateRow, visibleRows } from "./inbox-state";
import { navigate, usePath } from "./router";
import type { AccountProps } from "./screens/account";
import { Conversation } from "./screens/conversation";
import { Inbox } from "./screens/inbox";
import { Login } from "./screens/login";
import { t } from "./strings";
import { useInbox } from "./use-inbox";

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
  { path: "/agents", label: t.agents.title },
  { path: "/channels", label: t.channels.title },
  { path: "/policies", label: t.policies.title },
  { path: "/dashboards", label: t.dashboards.nav },
  { path: "/settings", label: t.settings },
];
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
  const Agents = useLazy<object>(() => import("./screens/agents"), path === "/agents");
  const Channels = useLazy<object>(() => import("./screens/channels"), path === "/channels");
  const Dashboards = useLazy<object>(() => import("./screens/dashboards"), path === "/dashboards");
  const Policies = useLazy<KnowledgeProps>(() => import("./screens/policies"), path === "/policies");
  const openId = /^\/conversations\/([^/]+)$/.exec(path)?.[1] ?? null;
  const view = useInbox(openId, (frame) => {
    for (const listener of listeners.current) listener(frame);
  });
  const { inbox } = view;
  const rows = useMemo(
    () => visibleRows(inbox, view.filter, view.me, view.search?.ids ?? null),
    [inbox.rows, view.filter, view.search],
  );
  const channels = useMemo(
    () => [...new Set([...inbox.rows.values()].map((row) => row.channel))].sort(),
    [inbox.rows],
  );
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
      ) : path === "/agents" ? (
        Agents && <Agents />
      ) : path === "/channels" ? (
        Channels && <Channels />
      ) : path === "/dashboards" ? (
        Dashboards && <Dashboards />
      ) : (
        <div class={`panes${openId ? " has-open" : ""}`}>
          <Inbox
            rows={rows}
            openId={openId}
            typing={inbox.typing}
            filter={view.filter}
            onFilter={view.changeFilter}
            query={view.query}
            onQuery={view.setQuery}
            snippets={view.search?.snippets ?? null}
            searching={view.searching}
            channels={channels}
            connected={view.connected}
          />
          {openId ? (
            <Conversation
              key={openId}
              id={openId}
              row={inbox.rows.get(openId)}
              onChange={(change) => view.setInbox((state) => updateRow(state, openId, change))}
              subscribe={subscribe}
            />
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

/** The pages emailed links open: no session needed (their token is the credential). */
const ACCOUNT_PAGES = new Map<string, AccountProps["kind"]>([
  ["/accept-invite", "invite"],
  ["/reset-password", "reset"],
]);

function App() {
  const account = ACCOUNT_PAGES.get(usePath());
  const Account = useLazy<AccountProps>(() => import("./screens/account"), account !== undefined);
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
  if (account) return Account && <Account kind={account} />;
  if (!state.ready) return null;
  return state.session ? <Workspace session={state.session} /> : <Login notice={state.notice} />;
}

const root = document.getElementById("app");
if (root) render(<App />, root);
