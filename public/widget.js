// Switchboard chat widget: <script src="https://api.example/widget.js" data-widget-key="wk_…" async></script>
// Every attribute (identity, theme, strings) is described in docs/widget.md. Opening the bubble creates
// no conversation: the first message does.
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
    /**
     * Message text as safe HTML: everything escaped, then **bold**, *italics*, `code`, "- " lists and
     * http(s) links (opened in a new tab, no referrer) — no other markup can get through.
     */
    markdown(text) {
      const esc = String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      const inline = (line) =>
        line
          .replace(/`([^`]+)`/g, "<code>$1</code>")
          .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
          .replace(/(^|[\s(])[*_]([^*_\s][^*_]*)[*_](?=$|[\s.,;:!?)])/g, "$1<em>$2</em>")
          .replace(/\bhttps?:\/\/[^\s<]+[^\s<.,;:!?)&#]/g, (url) => {
            const href = url.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(n));
            return `<a href="${href.replace(/"/g, "%22")}" target="_blank" rel="noopener noreferrer nofollow">${url}</a>`;
          });
      const out = [];
      let list = null;
      for (const line of esc.split("\n")) {
        const item = /^\s*(?:[-*]|(\d+)\.)\s+(.*)$/.exec(line);
        const kind = item && (item[1] ? "ol" : "ul");
        if (list && list !== kind) out.push(`</${list}>`);
        if (kind && list !== kind) out.push(`<${kind}>`);
        list = kind;
        out.push(kind ? `<li>${inline(item[2])}</li>` : `${inline(line)}\n`);
      }
      if (list) out.push(`</${list}>`);
      return out.join("").replace(/\n$/, "");
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
  const data = script.dataset;
  const api = (data.api || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const storeKey = `switchboard:${widgetKey}`;
  const BEAT = 25000;
  // The widget's own words; the widget key's `strings` and data-text-* attributes replace them.
  const T = {
    title: "Chat with us",
    launcher: "",
    placeholder: "Type a message…",
    send: "Send",
    online: "Online",
    away: "We're away right now",
    connecting: "Connecting…",
    preChatIntro: "Before we start, how can we reach you?",
    name: "Name",
    email: "Email",
    start: "Start chat",
    csatQuestion: "How did we do?",
    csatThanks: "Thank you for your feedback!",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    staff: "Agent",
    ai: "Assistant",
    system: "System",
    sources: "Sources",
    attach: "Attach a file",
    fileFailed: "Not sent",
  };
  const textAttrs = () => {
    for (const [k, v] of Object.entries(data))
      if (k.startsWith("text") && k.length > 4) T[k[4].toLowerCase() + k.slice(5)] = v;
  };
  textAttrs();

  const host = document.createElement("div");
  host.id = "switchboard-widget";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>
:host{all:initial;--c:#2557d6}*{box-sizing:border-box;font:14px/1.4 system-ui,sans-serif}
.bubble,.panel{position:fixed;right:20px;z-index:2147483000;box-shadow:0 6px 24px #0004}
:host(.left) .bubble,:host(.left) .panel{right:auto;left:20px}
.bubble{bottom:20px;min-width:56px;height:56px;border:0;border-radius:28px;background:var(--c);color:#fff;cursor:pointer;
display:flex;align-items:center;justify-content:center;gap:6px;padding:0 16px}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;border-radius:10px;background:#d33;font-size:12px;padding:1px 5px}
.panel{bottom:88px;width:min(360px,calc(100vw - 40px));height:min(520px,calc(100vh - 120px));background:#fff;
color:#1b1f24;border-radius:12px;display:flex;flex-direction:column;overflow:hidden;transition:opacity .15s,transform .15s}
.panel[hidden]{display:none}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important;scroll-behavior:auto!important}}
header{background:var(--c);color:#fff;padding:10px 14px;display:flex;align-items:center;gap:8px}
h2{margin:0;font-size:15px;font-weight:600}header div{flex:1}small{font-size:12px;opacity:.85}
header button{background:none;border:0;color:#fff;font-size:22px;cursor:pointer}
.human{font-size:12px;border:1px solid #fff9;border-radius:12px;padding:3px 9px}
.scroll{flex:1;overflow-y:auto;padding:12px;background:#f5f6f8}
.log,.sending{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
.log>li,.sending>li{max-width:80%;padding:7px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;
border:1px solid #e1e4e8;align-self:flex-start}
.log>li.mine,.sending>li.mine{align-self:flex-end;background:var(--c);color:#fff}li.pending{opacity:.6;margin-top:6px}
.mine a{color:#fff}ul,ol{margin:2px 0;padding-left:18px;white-space:normal}code{font-family:monospace;background:#0001;padding:0 3px;border-radius:3px}
b{display:block;font-size:11px;font-weight:600;opacity:.7}time{display:block;font-size:10px;opacity:.6;margin-top:2px}
.cites{font-size:12px;margin-top:4px}.files img{display:block;max-width:100%;max-height:160px;border-radius:8px;margin-top:4px}
.clip{background:none!important;color:#5a6270!important;padding:8px 4px!important;font-size:18px}
.rate{display:flex;gap:4px;margin-top:4px}.rate button[aria-pressed=true]{background:var(--c);color:#fff}
.rate button,.csat button{border:1px solid #c9ced6;background:#fff;border-radius:6px;cursor:pointer;padding:2px 8px}
.typing{min-height:18px;margin:0;padding:2px 14px;font-size:12px;color:#5a6270}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e1e4e8}
.pre{flex-direction:column}.pre input{border:1px solid #c9ced6;border-radius:8px;padding:8px}.pre label{position:static;width:auto;height:auto;clip-path:none}
textarea{flex:1;resize:none;border:1px solid #c9ced6;border-radius:8px;padding:8px}
form button{border:0;border-radius:8px;background:var(--c);color:#fff;padding:8px 14px;cursor:pointer}
.csat{padding:10px;border-top:1px solid #e1e4e8;display:flex;gap:4px;flex-wrap:wrap;align-items:center}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}</style>
<button class="bubble" type="button" aria-label="Open chat" aria-expanded="false" aria-controls="p">
<svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor"
d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg><span class="lt"></span></button>
<section class="panel" id="p" role="dialog" aria-labelledby="t" hidden>
<header><div><h2 id="t"></h2><small role="status"></small></div>
<button class="human" type="button" hidden>Talk to a person</button>
<button class="close" type="button" aria-label="Close chat">×</button></header>
<div class="scroll"><ol class="log" role="log" aria-label="Messages"></ol><ol class="sending"></ol></div>
<p class="typing" aria-live="polite"></p>
<form class="pre" hidden><p class="intro"></p><label for="n"></label><input id="n" autocomplete="name" maxlength="120">
<label for="e"></label><input id="e" type="email" autocomplete="email" maxlength="254"><button type="submit" class="go"></button></form>
<div class="csat" role="group" aria-labelledby="q" hidden><span id="q"></span></div>
<form class="msg"><button type="button" class="clip">📎</button><input type="file" class="sr" tabindex="-1" aria-hidden="true"
accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"><label class="sr" for="i">Your message</label><textarea id="i" rows="1" maxlength="4000"></textarea>
<button type="submit" class="snd"></button></form></section>`;
  const $ = (selector) => root.querySelector(selector);
  const [
    bubble,
    panel,
    logEl,
    sendingEl,
    scroller,
    statusEl,
    typingEl,
    input,
    human,
    preForm,
    msgForm,
    csatEl,
  ] = [
    ".bubble",
    ".panel",
    ".log",
    ".sending",
    ".scroll",
    "small",
    ".typing",
    "textarea",
    ".human",
    ".pre",
    ".msg",
    ".csat",
  ].map($);

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
  let connecting = false;
  let generation = 0;
  let attempt = 0;
  let retryTimer = 0;
  let lastHeard = 0;
  let typingAt = 0;
  let typingIdle = 0;
  let typingHide = 0;
  let unread = 0;
  let readSent = 0;
  // Who the page says the visitor is: attributes now, Switchboard.identify() later.
  let identity = data.userId
    ? { userId: data.userId, userHash: data.userHash, name: data.userName, email: data.userEmail }
    : ns.user || saved.identity || null; // window.Switchboard = { user: {…} } before the script loads.
  let config = { settings: {}, online: true, withinHours: true, hours: null };
  const settings = () => config.settings || {};

  /** Applies theme and words: data attributes win over the widget key's settings. */
  function applyLook() {
    const s = settings();
    Object.assign(T, s.strings || {});
    textAttrs();
    const theme = s.theme || {};
    const color = data.color || theme.color;
    if (color && /^#[0-9a-f]{6}$/i.test(color)) host.style.setProperty("--c", color);
    host.classList.toggle("left", (data.position || theme.position) === "left");
    $(".lt").textContent = data.launcherText || theme.launcherText || T.launcher;
    $("h2").textContent = data.title || s.title || T.title;
    input.placeholder = T.placeholder;
    $(".snd").textContent = T.send;
    $(".clip").setAttribute("aria-label", T.attach);
    $(".intro").textContent = T.preChatIntro;
    $("label[for=n]").textContent = T.name;
    $("label[for=e]").textContent = T.email;
    $(".go").textContent = T.start;
    $("#e").required = Boolean(s.preChatForm?.requireEmail);
  }
  applyLook();

  /** The line under the title before and between chats: online, or away with when we reply. */
  function availability() {
    if (config.online && config.withinHours) return T.online;
    const s = settings();
    if (s.awayMessage) return s.awayMessage;
    if (s.replyTimeHours)
      return `${T.away}. We reply in about ${s.replyTimeHours} hour${s.replyTimeHours === 1 ? "" : "s"}.`;
    return config.hours ? `${T.away}. Our hours: ${config.hours}` : T.away;
  }

  async function loadConfig() {
    try {
      const res = await fetch(`${api}/api/widget/config?widgetKey=${encodeURIComponent(widgetKey)}`);
      if (res.ok) config = await res.json();
    } catch {
      // Defaults: online, no settings.
    }
    applyLook();
    if (!sock) statusEl.textContent = availability();
  }

  // randomUUID exists only in secure contexts; a page on plain http still gets 128 random bits.
  const newClientId = () =>
    crypto.randomUUID?.() ??
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const isMine = (sender) => sender?.kind === "visitor" && sender.id === visitorId;
  const isOpen = () => !panel.hidden;
  const toBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  const hhmm = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  function item(text, sender, className) {
    const li = document.createElement("li");
    li.className = className;
    if (sender && sender.kind !== "visitor") {
      const who = document.createElement("b");
      who.textContent = sender.name || names.get(sender.id) || T[sender.kind] || "";
      if (sender.kind === "staff") {
        who.dataset.staff = sender.id;
        askName(sender.id);
      }
      li.append(who);
    }
    const body = document.createElement("div");
    body.className = "tx";
    body.innerHTML = core.markdown(text); // Escaped first: only the markup markdown() writes.
    li.append(body);
    return li;
  }

  /** Staff display names, asked for once per id (a few at a time) and filled into their labels. */
  const names = new Map();
  const asked = new Set();
  let nameTimer = 0;
  function askName(id) {
    if (asked.has(id) || !/^[0-9a-f-]{36}$/i.test(id)) return;
    asked.add(id);
    clearTimeout(nameTimer);
    nameTimer = setTimeout(async () => {
      const ids = [...asked].filter((x) => !names.has(x)).slice(0, 50);
      const res = await fetch(
        `${api}/api/widget/conversations/${conversationId}/staff?ids=${ids.join(",")}`,
        {
          headers: { authorization: `Bearer ${saved.visitorToken}` },
        },
      ).catch(() => null);
      const found = res?.ok ? (await res.json()).data : [];
      for (const { id: who, name } of found) {
        names.set(who, name);
        for (const b of root.querySelectorAll(`b[data-staff="${who}"]`)) b.textContent = name;
      }
    }, 50);
  }

  /** "Sources: title, page N", each a link to the document page when the widget key gives a URL. */
  function citations(list) {
    const p = document.createElement("div");
    p.className = "cites";
    p.append(`${T.sources}: `);
    for (const [i, c] of list.slice(0, 5).entries()) {
      if (i) p.append("; ");
      const label = `${c.title}${c.page ? `, page ${c.page}` : ""}`;
      const url = settings().citationUrl;
      if (!url || !/^https:\/\//.test(url)) {
        p.append(label);
        continue;
      }
      const a = document.createElement("a");
      a.href = url
        .replace("{documentId}", encodeURIComponent(c.documentId))
        .replace("{page}", encodeURIComponent(c.page ?? 1));
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = label;
      p.append(a);
    }
    return p;
  }

  /** A file of this conversation, fetched with the visitor token (never in a URL) as a blob URL. */
  async function fileUrl(id) {
    const res = await fetch(`${api}/api/widget/conversations/${conversationId}/attachments/${id}`, {
      headers: { authorization: `Bearer ${saved.visitorToken}` },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return URL.createObjectURL(await res.blob());
  }

  /** A message's files: images as thumbnails, others (PDFs) as links fetched when clicked. */
  function attachments(list) {
    const box = document.createElement("div");
    box.className = "files";
    for (const f of list.slice(0, 10)) {
      const a = document.createElement("a");
      a.target = "_blank";
      a.rel = "noopener";
      a.download = f.filename;
      a.textContent = `📄 ${f.filename}`;
      if (/^image\//.test(f.contentType)) {
        const img = document.createElement("img");
        img.alt = f.filename;
        a.replaceChildren(img);
        fileUrl(f.id).then(
          (url) => {
            img.src = a.href = url;
          },
          () => {},
        );
      } else {
        a.href = "#";
        a.onclick = async (event) => {
          if (a.href.startsWith("blob:")) return;
          event.preventDefault();
          const url = await fileUrl(f.id).catch(() => "");
          if (!url) return;
          a.href = url;
          a.click();
        };
      }
      box.append(a);
    }
    return box;
  }

  /** Uploads a waiting file as the visitor, then sends its message (once the conversation exists). */
  async function upload(clientId) {
    const p = pending.get(clientId);
    if (!p || p.busy) return;
    p.busy = true;
    const res = await fetch(
      `${api}/api/widget/conversations/${conversationId}/attachments?filename=${encodeURIComponent(p.file.name)}`,
      {
        method: "POST",
        headers: {
          "content-type": "application/octet-stream",
          authorization: `Bearer ${saved.visitorToken}`,
        },
        body: p.file,
      },
    ).catch(() => null);
    p.busy = false;
    if (res?.ok) {
      p.ids = [(await res.json()).id];
      delete p.file;
      send({ type: "message", clientId, text: p.text, attachmentIds: p.ids });
    } else if (res) {
      // Refused (type, size): it will not go through on a retry either.
      pending.delete(clientId);
      p.el.classList.remove("pending");
      p.el.append(` (${T.fileFailed})`);
    }
  }

  /** Like/dislike on an AI answer (choosing again changes it). */
  function rating(m) {
    const group = document.createElement("div");
    group.className = "rate";
    for (const [value, label, glyph] of [
      ["like", T.helpful, "👍"],
      ["dislike", T.notHelpful, "👎"],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = glyph;
      button.setAttribute("aria-label", label);
      button.setAttribute("aria-pressed", "false");
      button.onclick = () => {
        for (const other of group.children) other.setAttribute("aria-pressed", String(other === button));
        visitorPost(`/api/widget/conversations/${conversationId}/messages/${m.id}/feedback`, {
          rating: value,
        });
      };
      group.append(button);
    }
    return group;
  }

  /** A POST as this visitor (their token proves who they are); failures only cost the feedback. */
  function visitorPost(path, body) {
    return fetch(`${api}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${saved.visitorToken}` },
      body: JSON.stringify(body),
    }).catch(() => null);
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
    const files = m.metadata?.attachments;
    if (Array.isArray(files) && files.length) li.append(attachments(files));
    const cites = m.metadata?.citations;
    if (Array.isArray(cites) && cites.length) li.append(citations(cites));
    if (m.sender?.kind === "ai") li.append(rating(m));
    const time = document.createElement("time");
    time.dateTime = m.createdAt;
    time.textContent = hhmm(m.createdAt);
    time.title = new Date(m.createdAt).toLocaleString();
    li.append(time);
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
    if (ready) statusEl.textContent = words[status] || availability();
  }

  /** The satisfaction question after a resolved conversation (the room's `csat` frame). */
  function askCsat(f) {
    const id = f.conversationId || conversationId;
    csatEl.replaceChildren();
    const q = document.createElement("span");
    q.id = "q";
    q.textContent = f.question || T.csatQuestion;
    csatEl.append(q);
    for (let score = 1; score <= 5; score++) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "★".repeat(score);
      button.setAttribute("aria-label", `${score} of 5`);
      button.onclick = async () => {
        await visitorPost(`/api/widget/conversations/${id}/csat`, { rating: score });
        csatEl.replaceChildren(T.csatThanks);
      };
      csatEl.append(button);
    }
    csatEl.hidden = false;
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

  function submit(file) {
    const text = file ? file.name : input.value.trim();
    if (!text) return;
    if (!file) input.value = "";
    const clientId = newClientId();
    const el = item(text, null, "mine pending");
    el.dataset.pending = clientId;
    el.setAttribute("aria-label", `${text} (sending)`);
    sendingEl.append(el);
    pending.set(clientId, { text, el, file });
    toBottom();
    typing(false);
    // The first message creates the conversation; the pending copy is sent once the room is ready.
    if (ready && file) upload(clientId);
    else if (!send({ type: "message", clientId, text }) && !sock && !connecting) connect();
  }

  /** The pre-chat form shows before the first message when the key asks for it and we know no one. */
  function needsPreChat() {
    return Boolean(settings().preChatForm?.enabled && !conversationId && !saved.contact && !identity?.name);
  }
  function showPreChat() {
    const show = needsPreChat();
    preForm.hidden = !show;
    msgForm.hidden = show;
    (show ? $("#n") : input).focus();
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
      for (const [clientId, p] of pending)
        if (p.file) upload(clientId);
        else send({ type: "message", clientId, text: p.text, attachmentIds: p.ids });
      markRead();
    } else if (f.type === "typing" && !isMine(f.participant)) {
      clearTimeout(typingHide);
      typingEl.textContent = f.on ? `${T[f.participant?.kind] || "Someone"} is typing…` : "";
      if (f.on) typingHide = setTimeout(() => typingEl.replaceChildren(), 8000);
    } else if (f.type === "status") showStatus(f.status);
    else if (f.type === "ai.thinking") typingEl.textContent = `${T.ai} is typing…`;
    else if (f.type === "csat") askCsat(f);
    else if (f.type === "ai.delta") streamDelta(f);
    else if (f.type === "ai.cancelled" || f.type === "ai.interrupted") {
      endStream(f.streamId);
      typingEl.textContent = "";
    } else if (f.type === "error" && f.code === "conflict") {
      // Resolved: the next message starts a new conversation (at once if some are waiting).
      const ws = sock;
      sock = null;
      ready = false;
      ws?.close(1000);
      conversationId = null;
      remember({ conversationId: null });
      if (pending.size) connect();
    }
  }

  /** The visitor as the page (identity) and the pre-chat form describe them. */
  function visitor() {
    const v = {};
    for (const source of [saved.contact, identity])
      for (const [k, value] of Object.entries(source || {})) if (value) v[k] = value;
    return Object.keys(v).length ? v : undefined;
  }

  // Only messages waiting to be sent create a conversation; opening the bubble resumes one at most.
  async function openSession() {
    const body = {
      widgetKey,
      visitorToken: saved.visitorToken,
      conversationId: conversationId || undefined,
      start: pending.size > 0,
      visitor: visitor(),
    };
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
    statusEl.textContent = attempt ? "Reconnecting…" : T.connecting;
    let data;
    connecting = true;
    try {
      data = await openSession();
    } catch (error) {
      connecting = false;
      if (mine !== generation) return;
      if (error.fatal) statusEl.textContent = `Chat unavailable: ${error.message}`;
      else reconnectLater();
      return;
    }
    connecting = false;
    if (mine !== generation) return; // A newer attempt took over meanwhile.
    visitorId = data.visitorId;
    remember({ visitorToken: data.visitorToken });
    if (!data.conversation) {
      statusEl.textContent = availability();
      // A message written while this session was being opened needs the conversation now.
      if (pending.size) connect();
      return;
    }
    if (data.conversation.id !== conversationId) {
      messages.length = 0;
      readSent = 0;
      logEl.replaceChildren();
    }
    conversationId = data.conversation.id;
    conversation = { status: data.conversation.status, agentId: data.conversation.agentId };
    for (const id of [...streams.keys()]) endStream(id); // The room replays a running reply from its start.
    remember({ conversationId });
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

  function remember(fields) {
    saved = { ...saved, ...fields };
    try {
      localStorage.setItem(storeKey, JSON.stringify(saved));
    } catch {
      // Without storage the chat still works for this page view.
    }
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
    showPreChat();
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
  msgForm.onsubmit = (event) => {
    event.preventDefault();
    submit();
    input.focus();
  };
  preForm.onsubmit = (event) => {
    event.preventDefault();
    remember({ contact: { name: $("#n").value.trim(), email: $("#e").value.trim() } });
    showPreChat();
  };
  input.onkeydown = (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    submit();
  };
  const picker = $("input[type=file]");
  $(".clip").onclick = () => picker.click();
  picker.onchange = () => {
    for (const file of picker.files) submit(file);
    picker.value = "";
  };
  input.oninput = () => {
    typing(true);
  };

  /**
   * Switchboard.identify({ userId, userHash, name, email }): the signed-in user, verified by the API
   * with the key's identity secret (userHash = hex HMAC-SHA256(secret, userId), computed server-side).
   * Another user than before gets a fresh visitor and conversation.
   */
  ns.identify = (who) => {
    const next = who && typeof who === "object" ? { ...who } : null;
    if ((next?.userId || null) !== (identity?.userId || null) && saved.visitorToken) {
      saved = {};
      conversationId = null;
      messages.length = 0;
      logEl.replaceChildren();
      sock?.close(1000);
      sock = null;
      ready = false;
    }
    identity = next;
    remember({ identity: next });
    if (started && !sock && isOpen()) connect();
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
    loadConfig();
    // A returning visitor with an open conversation reconnects at once, so replies raise the badge.
    if (conversationId) start();
  };
  if (document.body) mount();
  else addEventListener("DOMContentLoaded", mount);
})();
