import { useEffect, useRef } from "preact/hooks";
import type { StoredMessage } from "../../../features/conversations/conversations.protocol";
import { tc } from "../../conversation-strings";
import { t } from "../../strings";
import { Attachments, attachmentsOf } from "./attachment-view";
import type { Delivery, Pending } from "./use-room";

interface Props {
  messages: StoredMessage[];
  pending: Pending[];
  forming: string | null;
  deliveries: Map<string, Delivery>;
  /** The last message the customer has seen (their read receipts). */
  customerReadSeq: number;
}

function Message({ m, delivery, seen }: { m: StoredMessage; delivery: Delivery | undefined; seen: boolean }) {
  const note = m.kind === "note";
  return (
    <li class={`message from-${m.sender.kind}${note ? " note" : ""}`}>
      <span class="meta">
        {note && <strong class="note-badge">{tc.noteBadge} · </strong>}
        {t.sender[m.sender.kind]} ·{" "}
        <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
        {delivery && (
          <span class={`delivery delivery-${delivery.state}`} title={delivery.code}>
            {" "}
            · {tc.delivery[delivery.state] ?? delivery.state}
            {delivery.code ? ` (${delivery.code})` : ""}
          </span>
        )}
        {seen && <span class="seen"> · {tc.seen}</span>}
      </span>
      <p>{m.text}</p>
      <Attachments files={attachmentsOf(m.metadata)} />
    </li>
  );
}

/** The conversation's messages, the ones being sent, and the AI's reply as it forms. */
export function MessageList({ messages, pending, forming, deliveries, customerReadSeq }: Props) {
  const log = useRef<HTMLOListElement>(null);
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [messages.length, forming, pending.length]);
  return (
    <ol class="messages" ref={log} aria-label={t.messages} aria-live="polite">
      {messages.map((m) => (
        <Message
          key={m.id}
          m={m}
          delivery={deliveries.get(m.id) ?? m.delivery}
          seen={m.sender.kind !== "visitor" && m.kind !== "note" && m.seq <= customerReadSeq}
        />
      ))}
      {pending.map((p) => (
        <li key={p.clientId} class={`message from-staff sending${p.note ? " note" : ""}`}>
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
  );
}
