// Switchboard chat widget: <script src="https://api.example/widget.js" data-widget-key="wk_…" async></script>
// data-api overrides the API base URL (default: this script's origin); data-title sets the header.
// Messages are kept and rendered by seq, so a replay after a reconnect never shows one twice or out of
// order; sends carry a clientId and are resent after every reconnect until the server has them.
(() => {
  window.Switchboard = window.Switchboard || {};
  const ns = window.Switchboard;

  /** Pure protocol logic (no DOM, no I/O), exposed as Switchboard.core so it can be tested directly. */
  const core = {
    /** Where `seq` belongs in ascending `list`, and whether it is there already. */
    locate(list, seq) {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].seq < seq) lo = mid + 1;
        else hi = mid;
      }
      return { index: lo, found: list[lo]?.seq === seq };
    },
    /** Inserts a message by seq; its index, or -1 when that seq is already present. */
    insert(list, message) {
      const { index, found } = core.locate(list, message.seq);
      if (found) return -1;
      list.splice(index, 0, message);
      return index;
    },
    /** The highest N with every seq 1..N present: resuming with after=N fills any gap and skips nothing. */
    resumeAfter(list) {
      let n = 0;
      for (const m of list) {
        if (m.seq > n + 1) break;
        n = m.seq;
      }
      return n;
    },
    /** Reconnect delay: exponential, capped, jittered so many pages do not reconnect in step. */
    backoff(attempt, random = Math.random, base = 500, cap = 30000) {
      const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 16));
      return Math.round((ceiling * (1 + random())) / 2);
    },
    /** A server frame, or null for anything but a JSON object with a string `type`. */
    parse(data) {
      try {
        const frame = JSON.parse(data);
        return typeof frame?.type === "string" ? frame : null;
      } catch {
        return null;
      }
    },
  };
  ns.core = core;

  const script = document.currentScript || document.querySelector("script[data-widget-key]");
  const widgetKey = script?.dataset.widgetKey;
  if (ns.widget || !widgetKey) return;
  const api = (script.dataset.api || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const storeKey = `switchboard:${widgetKey}`;
  const BEAT = 25000;
  const LABELS = { staff: "Agent", ai: "Assistant", system: "System" };

  const host = document.createElement("div");
  host.id = "switchboard-widget";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>
:host{all:initial}*{box-sizing:border-box;font:14px/1.4 system-ui,sans-serif}
.bubble,.panel{position:fixed;right:20px;z-index:2147483000;box-shadow:0 6px 24px #0004}
.bubble{bottom:20px;width:56px;height:56px;border:0;border-radius:50%;background:#2557d6;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;border-radius:10px;background:#d33;font-size:12px;padding:1px 5px}
.panel{bottom:88px;width:min(360px,calc(100vw - 40px));height:min(520px,calc(100vh - 120px));background:#fff;
color:#1b1f24;border-radius:12px;display:flex;flex-direction:column;overflow:hidden}
.panel[hidden]{display:none}
header{background:#2557d6;color:#fff;padding:10px 14px;display:flex;align-items:center;gap:8px}
h2{margin:0;font-size:15px;font-weight:600}header div{flex:1}small{font-size:12px;opacity:.85}
header button{background:none;border:0;color:#fff;font-size:22px;cursor:pointer}
.human{font-size:12px;border:1px solid #fff9;border-radius:12px;padding:3px 9px}
.scroll{flex:1;overflow-y:auto;padding:12px;background:#f5f6f8}
ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
li{max-width:80%;padding:7px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;
border:1px solid #e1e4e8;align-self:flex-start}
li.mine{align-self:flex-end;background:#2557d6;color:#fff}li.pending{opacity:.6;margin-top:6px}
b{display:block;font-size:11px;font-weight:600;opacity:.7}
.typing{min-height:18px;margin:0;padding:2px 14px;font-size:12px;color:#5a6270}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e1e4e8}
textarea{flex:1;resize:none;border:1px solid #c9ced6;border-radius:8px;padding:8px}
form button{border:0;border-radius:8px;background:#2557d6;color:#fff;padding:0 14px;cursor:pointer}
label{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}</style>
<button class="bubble" type="button" aria-label="Open chat" aria-expanded="false" aria-controls="p">
<svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor"
d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg></button>
<section class="panel" id="p" role="dialog" aria-labelledby="t" hidden>
<header><div><h2 id="t"></h2><small role="status">Connecting…</small></div>
<button class="human" type="button" hidden>Talk to a person</button>
<button class="close" type="button" aria-label="Close chat">×</button></header>
<div class="scroll"><ol class="log" role="log" aria-label="Messages"></ol><ol class="sending"></ol></div>
<p class="typing" aria-live="polite"></p>
<form><label for="i">Your message</label><textarea id="i" rows="1" maxlength="4000"
placeholder="Type a message…"></textarea><button type="submit">Send</button></form></section>`;
  const $ = (selector) => root.querySelector(selector);
  const [bubble, panel, logEl, sendingEl, scroller, statusEl, typingEl, input, human] = [
    ".bubble",
    ".panel",
    ".log",
    ".sending",
    ".scroll",
    "small",
    ".typing",
    "textarea",
    ".human",
  ].map($);
  $("h2").textContent = script.dataset.title || "Chat with us";

  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(storeKey)) || {};
  } catch {
    // Storage disabled or corrupt: start as a new visitor.
  }
  const messages = [];
  const pending = new Map(); // clientId -> { text, el }
  const streams = new Map(); // streamId -> { el, next }: an AI reply as it is written, until its message
  let conversation = null; // { status, agentId } as last known
  let conversationId = saved.conversationId || null;
  let visitorId = null;
  let sock = null;
  let ready = false;
  let started = false;
  let generation = 0;
  let attempt = 0;
  let retryTimer = 0;
  let lastHeard = 0;
  let typingAt = 0;
  let typingIdle = 0;
  let typingHide = 0;
  let unread = 0;
  let readSent = 0;

  // randomUUID exists only in secure contexts; a page on plain http still gets 128 random bits.
  const newClientId = () =>
    crypto.randomUUID?.() ??
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const isMine = (sender) => sender?.kind === "visitor" && sender.id === visitorId;
  const isOpen = () => !panel.hidden;
  const toBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  function item(text, sender, className) {
    const li = document.createElement("li");
    li.className = className;
    if (sender && sender.kind !== "visitor") {
      const who = document.createElement("b");
      who.textContent = LABELS[sender.kind] || "";
      li.append(who);
    }
    li.append(text);
    return li;
  }

  /** Renders a message once, in seq order, and retires its pending copy. */
  function render(m) {
    const stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
    settle(m.clientId);
    endStream(m.metadata?.streamId);
    const index = core.insert(messages, m);
    if (index < 0) return;
    const mine = isMine(m.sender);
    const li = item(m.text, m.sender, mine ? "mine" : "theirs");
    li.dataset.seq = m.seq;
    li.title = new Date(m.createdAt).toLocaleString();
    logEl.insertBefore(li, logEl.children[index] || null);
    if (!mine) {
      typingEl.textContent = "";
      if (ready && !isOpen()) setUnread(unread + 1);
    }
    if (stick || mine) toBottom();
    markRead();
  }

  /** Shows the conversation's state: who answers, and whether asking for a person makes sense. */
  function showStatus(status) {
    if (conversation) conversation.status = status;
    human.hidden = !(conversation?.agentId && status === "open");
    const words = { pending_human: "Waiting for a person…", resolved: "Conversation closed" };
    if (ready) statusEl.textContent = words[status] || "Online";
  }

  /** A streamed AI reply, shown as it arrives; its stored message (by seq) replaces it. */
  function streamDelta(f) {
    let s = streams.get(f.streamId);
    if (!s) {
      s = { el: item("", { kind: "ai" }, "theirs"), next: 0 };
      streams.set(f.streamId, s);
      sendingEl.prepend(s.el);
    }
    if (f.index < s.next) return; // Already shown (a replay after reconnecting).
    s.el.append(f.text);
    s.next = f.index + 1;
    typingEl.textContent = "";
    toBottom();
  }
  function endStream(streamId) {
    streams.get(streamId)?.el.remove();
    streams.delete(streamId);
  }

  function settle(clientId) {
    pending.get(clientId)?.el.remove();
    pending.delete(clientId);
  }

  function setUnread(n) {
    unread = n;
    bubble.querySelector(".badge")?.remove();
    if (!n) return;
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = n;
    bubble.append(badge);
    bubble.setAttribute("aria-label", `Open chat (${n} unread)`);
  }

  function markRead() {
    const last = messages.at(-1);
    if (!last || !isOpen() || last.seq <= readSent || !send({ type: "read", seq: last.seq })) return;
    readSent = last.seq;
  }

  function send(frame) {
    if (!ready || sock?.readyState !== WebSocket.OPEN) return false;
    sock.send(JSON.stringify(frame));
    return true;
  }

  function submit() {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    const clientId = newClientId();
    const el = item(text, null, "mine pending");
    el.dataset.pending = clientId;
    el.setAttribute("aria-label", `${text} (sending)`);
    sendingEl.append(el);
    pending.set(clientId, { text, el });
    toBottom();
    typing(false);
    send({ type: "message", clientId, text });
  }

  /** Tells the room the visitor is typing: at most every 2.5 s, and `off` after 4 s of quiet. */
  function typing(on) {
    clearTimeout(typingIdle);
    if (on) typingIdle = setTimeout(typing, 4000, false);
    if (on ? Date.now() - typingAt < 2500 : !typingAt) return;
    typingAt = on ? Date.now() : 0;
    send({ type: "typing", on });
  }

  function onFrame(f) {
    lastHeard = Date.now();
    if (f.type === "message" && Number.isInteger(f.seq)) render(f);
    else if (f.type === "ack") {
      // A fresh message's frame follows its ack; a resend's ack names a message rendered earlier.
      if (core.locate(messages, f.seq).found) settle(f.clientId);
    } else if (f.type === "ready") {
      ready = true;
      attempt = 0;
      showStatus(conversation?.status);
      // Whatever the replay did not settle is sent (again); the server de-duplicates by clientId.
      for (const [clientId, { text }] of pending) send({ type: "message", clientId, text });
      markRead();
    } else if (f.type === "typing" && !isMine(f.participant)) {
      clearTimeout(typingHide);
      typingEl.textContent = f.on ? `${LABELS[f.participant?.kind] || "Someone"} is typing…` : "";
      if (f.on) typingHide = setTimeout(() => typingEl.replaceChildren(), 8000);
    } else if (f.type === "status") showStatus(f.status);
    else if (f.type === "ai.thinking") typingEl.textContent = `${LABELS.ai} is typing…`;
    else if (f.type === "ai.delta") streamDelta(f);
    else if (f.type === "ai.cancelled" || f.type === "ai.interrupted") {
      endStream(f.streamId);
      typingEl.textContent = "";
    } else if (f.type === "error" && f.code === "conflict") {
      // Resolved: the next session starts a new conversation and the pending messages go there.
      reconnectLater();
    }
  }

  async function openSession() {
    const body = { widgetKey, visitorToken: saved.visitorToken, conversationId: conversationId || undefined };
    const res = await fetch(`${api}/api/widget/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    });
    if (res.status === 404 && conversationId) {
      conversationId = null; // Deleted, or not this visitor's: start afresh.
      return openSession();
    }
    const data = await res.json().catch(() => ({}));
    if (res.ok) return data;
    const error = new Error(data.error?.message || `HTTP ${res.status}`);
    error.fatal = res.status === 401 || res.status === 403;
    throw error;
  }

  async function connect() {
    clearTimeout(retryTimer);
    const mine = ++generation;
    statusEl.textContent = attempt ? "Reconnecting…" : "Connecting…";
    let data;
    try {
      data = await openSession();
    } catch (error) {
      if (mine !== generation) return;
      if (error.fatal) statusEl.textContent = `Chat unavailable: ${error.message}`;
      else reconnectLater();
      return;
    }
    if (mine !== generation) return; // A newer attempt took over meanwhile.
    if (data.conversation.id !== conversationId) {
      messages.length = 0;
      readSent = 0;
      logEl.replaceChildren();
    }
    conversationId = data.conversation.id;
    conversation = { status: data.conversation.status, agentId: data.conversation.agentId };
    visitorId = data.visitorId;
    for (const id of [...streams.keys()]) endStream(id); // The room replays a running reply from its start.
    saved = { visitorToken: data.visitorToken, conversationId };
    try {
      localStorage.setItem(storeKey, JSON.stringify(saved));
    } catch {
      // Without storage the chat still works for this page view.
    }
    const url = new URL(`${data.ticket.url}&after=${core.resumeAfter(messages)}`, api);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    sock?.close(1000); // Superseded (e.g. an `online` event mid-handshake); its late close is ignored.
    const ws = new WebSocket(url);
    sock = ws;
    ready = false;
    lastHeard = Date.now();
    ws.onmessage = (event) => {
      const frame = sock === ws && core.parse(event.data);
      if (frame) onFrame(frame);
    };
    ws.onclose = () => {
      if (sock === ws) reconnectLater();
    };
  }

  /** Forgets the socket (late frames and its close are ignored), closes it and retries after a backoff. */
  function reconnectLater() {
    const ws = sock;
    sock = null;
    ready = false;
    if (ws?.readyState < WebSocket.CLOSING) ws.close(1000);
    clearTimeout(retryTimer);
    statusEl.textContent = "Reconnecting…";
    retryTimer = setTimeout(connect, core.backoff(attempt++));
  }

  function heartbeat() {
    if (!sock) return;
    const open = sock.readyState === WebSocket.OPEN;
    // Nothing heard for two beats (not even a pong), or a stuck handshake: dead without a close.
    if (Date.now() - lastHeard > (open ? 2 * BEAT + 5000 : 15000)) reconnectLater();
    else if (open) sock.send('{"type":"ping"}');
  }

  function start() {
    if (started) return;
    started = true;
    connect();
    setInterval(heartbeat, BEAT);
    addEventListener("online", () => {
      if (ready) return;
      attempt = 0;
      connect();
    });
  }

  function toggle(open) {
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", open);
    bubble.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    if (!open) return bubble.focus();
    setUnread(0);
    start();
    input.focus();
    toBottom();
    markRead();
  }

  bubble.onclick = () => {
    toggle(!isOpen());
  };
  $(".close").onclick = () => {
    toggle(false);
  };
  human.onclick = () => {
    if (send({ type: "handoff" })) human.hidden = true;
  };
  // Block bodies: an on* handler that returns false cancels the event (and the keystroke).
  panel.onkeydown = (event) => {
    if (event.key === "Escape") toggle(false);
  };
  $("form").onsubmit = (event) => {
    event.preventDefault();
    submit();
    input.focus();
  };
  input.onkeydown = (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    submit();
  };
  input.oninput = () => {
    typing(true);
  };

  ns.widget = {
    open: () => toggle(true),
    close: () => toggle(false),
    /** For diagnostics and tests: what is rendered and what still waits for the server. */
    state: () => ({
      conversationId,
      visitorId,
      ready,
      seqs: messages.map((m) => m.seq),
      pending: [...pending.keys()],
    }),
  };
  const mount = () => {
    document.body.append(host);
    // A returning visitor with an open conversation reconnects at once, so replies raise the badge.
    if (conversationId) start();
  };
  if (document.body) mount();
  else addEventListener("DOMContentLoaded", mount);
})();
