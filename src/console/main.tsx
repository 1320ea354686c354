import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { onSession, refresh, type SessionInfo, signOut } from "./api";
import { applyInbox, emptyInbox, type InboxState, markRead, visibleRows } from "./inbox-state";
import { openInbox } from "./live";
import { usePath } from "./router";
import { Conversation } from "./screens/conversation";
import { Inbox } from "./screens/inbox";
import { Login } from "./screens/login";
import { t } from "./strings";

/** The signed-in console: the live inbox beside the open conversation. */
function Workspace({ session }: { session: SessionInfo }) {
  const path = usePath();
  const openId = /^\/conversations\/([^/]+)$/.exec(path)?.[1] ?? null;
  const [inbox, setInbox] = useState<InboxState>(emptyInbox);
  const [connected, setConnected] = useState(false);
  const [status, setStatus] = useState("all");
  const [query, setQuery] = useState("");
  const openIdRef = useRef(openId);
  openIdRef.current = openId;
  useEffect(() => {
    const live = openInbox(
      (frame) => setInbox((state) => applyInbox(state, frame, openIdRef.current)),
      setConnected,
    );
    return () => live.close();
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
