import type { ComponentType } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ConversationView } from "../../features/conversations/conversations.views";
import type { InboxEvent } from "../../features/inbox/inbox.protocol";
import { api } from "../api";
import { tc } from "../conversation-strings";
import { useDirectory } from "../directory";
import type { InboxRow, LabelRef } from "../inbox-state";
import { navigate } from "../router";
import { t } from "../strings";
import { Actions } from "./conversation/actions";
import { Composer } from "./conversation/composer";
import type { ContactPanelProps } from "./conversation/contact-panel";
import { LabelsBar } from "./conversation/labels-bar";
import { MessageList } from "./conversation/message-list";
import { TemplateForm } from "./conversation/template-form";
import { useRoom } from "./conversation/use-room";
import { PlanCard } from "./plan-card";

type Detail = ConversationView & { window?: { expiresAt: string | null; templateRequired: boolean } };

interface Props {
  id: string;
  row: InboxRow | undefined;
  /** An action's answer: the inbox row takes it at once (its event follows). */
  onChange(change: Partial<InboxRow>): void;
  subscribe(listener: (event: InboxEvent) => void): () => void;
}

let contactPanel: Promise<ComponentType<ContactPanelProps>> | null = null;

/** The contact panel's chunk, loaded when a conversation with a contact is first shown. */
function useContactPanel(wanted: boolean): ComponentType<ContactPanelProps> | null {
  const [panel, setPanel] = useState<{ c: ComponentType<ContactPanelProps> } | null>(null);
  useEffect(() => {
    if (!wanted || panel) return;
    contactPanel ??= import("./conversation/contact-panel").then((m) => m.default);
    void contactPanel.then((c) => setPanel({ c }));
  }, [wanted]);
  return panel?.c ?? null;
}

function ChannelWindow({ window }: { window: NonNullable<Detail["window"]> }) {
  const text = window.templateRequired
    ? window.expiresAt
      ? tc.windowClosed
      : tc.windowNone
    : window.expiresAt
      ? tc.windowOpen(new Date(window.expiresAt).toLocaleString())
      : null;
  if (!text) return null;
  return <p class={`channel-window${window.templateRequired ? " closed" : ""}`}>{text}</p>;
}

/** One conversation, live: messages, notes, the AI's reply as it forms, plans; reply and act on it. */
export function Conversation({ id, row, onChange, subscribe }: Props) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [labels, setLabels] = useState<LabelRef[] | null>(null);
  const directory = useDirectory();
  const channel = Boolean(row?.channelId ?? detail?.channelId);
  const room = useRoom(id, channel);
  // Read on opening; on a channel, again after each newer customer message (it reopens the window).
  const lastCustomerSeq = channel
    ? (room.messages.findLast((m) => m.sender.kind === "visitor")?.seq ?? 0)
    : 0;
  useEffect(() => {
    void api<Detail>(`/api/conversations/${id}`)
      .then(setDetail)
      .catch((e: Error) => room.setError(e.message));
  }, [id, lastCustomerSeq]);
  // The inbox row is live (its events); the room's status frame covers a row the inbox has not listed.
  const base = detail ?? row;
  const conversation: Detail | null = base
    ? {
        ...base,
        ...(row ?? {}),
        ...(room.status && !row
          ? { status: room.status.status as Detail["status"], assigneeId: room.status.assigneeId }
          : {}),
        snoozedUntil: detail?.snoozedUntil ?? row?.snoozedUntil ?? null,
        window: detail?.window,
      }
    : null;
  const shownLabels = row?.labels ?? labels ?? [];
  const ContactPanel = useContactPanel(Boolean(conversation?.contactId));
  // One action at a time: each reads what the one before it wrote (a team, then an assignee).
  const queue = useRef(Promise.resolve());
  const act = (path: string, json: unknown = {}, method?: string) => {
    const run = () =>
      api<ConversationView>(`/api/conversations/${id}/${path}`, { json, ...(method ? { method } : {}) })
        .then((updated) => {
          setDetail((now) => (now ? { ...now, ...updated } : updated));
          onChange(updated);
        })
        .catch((caught: Error) => room.setError(caught.message));
    queue.current = queue.current.then(run);
    return queue.current;
  };
  const waiting = [...room.plans.values()].filter((plan) => plan.status === "pending");
  const status = conversation?.status;
  return (
    <div class="conversation-area">
      <section class="conversation" aria-labelledby="conversation-title">
        <header>
          <button type="button" class="link back" onClick={() => navigate("/")}>
            {t.back}
          </button>
          <h2 id="conversation-title">{conversation?.visitorId ?? id.slice(0, 8)}</h2>
          {status && <span class={`badge status-${status}`}>{t.status[status] ?? status}</span>}
          {status === "snoozed" && conversation?.snoozedUntil && (
            <span class="snoozed">
              {tc.snoozedUntil(new Date(conversation.snoozedUntil).toLocaleString())}
            </span>
          )}
          <span class={`live ${room.connected ? "on" : "off"}`}>
            {room.connected ? t.live : t.reconnecting}
          </span>
          {conversation && (
            <Actions conversation={conversation} directory={directory} act={act} frame={room.frame} />
          )}
        </header>
        <LabelsBar
          id={id}
          labels={shownLabels}
          directory={directory}
          onLabels={(next) => {
            setLabels(next);
            onChange({ labels: next });
          }}
          onError={room.setError}
        />
        {room.error && (
          <p class="error" role="alert">
            {room.error}
          </p>
        )}
        {room.customerOnline !== null && (
          <p class="customer-presence" role="status">
            {room.customerOnline ? tc.customerOnline : tc.customerAway}
          </p>
        )}
        {conversation?.window && <ChannelWindow window={conversation.window} />}
        {conversation?.window?.templateRequired && conversation.channel === "whatsapp" && (
          <TemplateForm id={id} onError={room.setError} />
        )}
        {waiting.map((plan) => (
          <PlanCard key={plan.id} plan={plan} onError={room.setError} />
        ))}
        <MessageList
          messages={room.messages}
          pending={room.pending}
          forming={room.forming}
          deliveries={room.deliveries}
          customerReadSeq={room.customerReadSeq}
        />
        {room.typing && <p class="typing">{t.typing(t.sender.visitor ?? "")}</p>}
        <Composer id={id} room={room} />
      </section>
      {conversation?.contactId && ContactPanel && (
        <ContactPanel contactId={conversation.contactId} conversationId={id} subscribe={subscribe} />
      )}
    </div>
  );
}
