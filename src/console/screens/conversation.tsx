import { useEffect, useRef, useState } from "preact/hooks";
import type { MessageFrame, ServerFrame } from "../../features/conversations/conversations.protocol";
import { api, session } from "../api";
import type { InboxRow } from "../inbox-state";
import { type Live, openRoom } from "../live";
import { navigate } from "../router";
import { t } from "../strings";
import { PlanCard, type RoomPlan } from "./plan-card";

interface Pending {
  clientId: string;
  text: string;
}

/** One conversation, live: messages, the AI's reply as it forms, typing, plans; reply and act on it. */
export function Conversation({ id, row }: { id: string; row: InboxRow | undefined }) {
  const [messages, setMessages] = useState<MessageFrame[]>([]);
  const [pending, setPending] = useState<Pending[]>([]);
  const [forming, setForming] = useState<string | null>(null);
  const [typing, setTyping] = useState(false);
  const [plans, setPlans] = useState<Map<string, RoomPlan>>(new Map());
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = useRef<Live | null>(null);
  const lastSeq = useRef(-1);
  const composer = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLOListElement>(null);

  useEffect(() => {
    setMessages([]);
    setPlans(new Map());
    lastSeq.current = -1;
    const onFrame = (frame: ServerFrame) => {
      if (frame.type === "message") {
        if (frame.seq <= lastSeq.current) return;
        lastSeq.current = frame.seq;
        setMessages((list) => [...list, frame]);
        if (frame.clientId) setPending((list) => list.filter((p) => p.clientId !== frame.clientId));
        if (frame.sender.kind === "ai") setForming(null);
        if (frame.sender.kind === "visitor") setTyping(false);
      } else if (frame.type === "ack") {
        setPending((list) => list.filter((p) => p.clientId !== frame.clientId));
      } else if (frame.type === "ai.thinking") setForming("");
      else if (frame.type === "ai.delta") setForming((text) => (text ?? "") + frame.text);
      else if (frame.type === "ai.cancelled" || frame.type === "ai.interrupted") setForming(null);
      else if (frame.type === "typing" && frame.participant.kind === "visitor") setTyping(frame.on);
      else if (frame.type === "plan")
        setPlans((map) => new Map(map).set(frame.plan.id, frame.plan as unknown as RoomPlan));
      else if (frame.type === "error") setError(frame.message);
    };
    live.current = openRoom(id, () => lastSeq.current, onFrame, setConnected);
    return () => live.current?.close();
  }, [id]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [messages.length, forming, pending.length]);

  const send = () => {
    const text = composer.current?.value.trim() ?? "";
    if (!text) return;
    const clientId = crypto.randomUUID();
    if (!live.current?.send({ type: "message", clientId, text })) return setError(t.reconnecting);
    setPending((list) => [...list, { clientId, text }]);
    if (composer.current) composer.current.value = "";
  };
  const act = (path: string, json: unknown = {}) =>
    api(`/api/conversations/${id}/${path}`, { json }).catch((caught: Error) => setError(caught.message));
  const me = session()?.user.id;
  const waiting = [...plans.values()].filter((plan) => plan.status === "pending");
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header>
        <button type="button" class="link back" onClick={() => navigate("/")}>
          {t.back}
        </button>
        <h2 id="conversation-title">{row?.visitorId ?? id.slice(0, 8)}</h2>
        {row && <span class={`badge status-${row.status}`}>{t.status[row.status] ?? row.status}</span>}
        <span class={`live ${connected ? "on" : "off"}`}>{connected ? t.live : t.reconnecting}</span>
        <div class="actions">
          {row?.assigneeId !== me && (
            <button type="button" onClick={() => act("assign", { assigneeId: me })}>
              {t.assignToMe}
            </button>
          )}
          {(row?.status === "with_human" || row?.status === "pending_human") && (
            <button type="button" onClick={() => act("handback")}>
              {t.handBack}
            </button>
          )}
          {row?.status !== "resolved" && (
            <button type="button" onClick={() => act("resolve")}>
              {t.resolve}
            </button>
          )}
        </div>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {waiting.map((plan) => (
        <PlanCard key={plan.id} plan={plan} onError={setError} />
      ))}
      <ol class="messages" ref={log} aria-label={t.messages} aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} class={`message from-${m.sender.kind}`}>
            <span class="meta">
              {t.sender[m.sender.kind]} ·{" "}
              <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
            </span>
            <p>{m.text}</p>
          </li>
        ))}
        {pending.map((p) => (
          <li key={p.clientId} class="message from-staff sending">
            <p>{p.text}</p>
          </li>
        ))}
        {forming !== null && (
          <li class="message from-ai forming" aria-label={t.aiWriting}>
            <span class="meta">{t.aiWriting}</span>
            <p>{forming}</p>
          </li>
        )}
      </ol>
      {typing && <p class="typing">{t.typing(t.sender.visitor ?? "")}</p>}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label for="reply" class="sr-only">
          {t.reply}
        </label>
        <textarea
          id="reply"
          ref={composer}
          rows={3}
          placeholder={t.replyPlaceholder}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }}
          onInput={() => live.current?.send({ type: "typing", on: true })}
        />
        <button type="submit">{t.send}</button>
      </form>
    </section>
  );
}
