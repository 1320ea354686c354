// One conversation's room, live: messages (notes included: staff see them), the AI's reply as it forms,
// the visitor typing, plans, channel delivery states and status changes.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ServerFrame, StoredMessage } from "../../../features/conversations/conversations.protocol";
import { api } from "../../api";
import { type Live, openRoom } from "../../live";
import type { RoomPlan } from "../plan-card";

export interface Pending {
  clientId: string;
  text: string;
  note: boolean;
}
export interface Delivery {
  state: string;
  code?: string;
}
export type RoomStatus = Extract<ServerFrame, { type: "status" }>;

/** The room's state and its socket; `channel`: also load delivery states (a channel conversation). */
export function useRoom(id: string, channel: boolean) {
  const [messages, setMessages] = useState<StoredMessage[]>([]);
  const [pending, setPending] = useState<Pending[]>([]);
  const [forming, setForming] = useState<string | null>(null);
  const [typing, setTyping] = useState(false);
  const [plans, setPlans] = useState<Map<string, RoomPlan>>(new Map());
  const [deliveries, setDeliveries] = useState<Map<string, Delivery>>(new Map());
  const [status, setStatus] = useState<RoomStatus | null>(null);
  // Whether the customer has the conversation open now, and the last message they have seen.
  const [customerOnline, setCustomerOnline] = useState<boolean | null>(null);
  const [customerReadSeq, setCustomerReadSeq] = useState(0);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = useRef<Live | null>(null);
  const lastSeq = useRef(-1);

  useEffect(() => {
    setMessages([]);
    setPlans(new Map());
    setCustomerOnline(null);
    setCustomerReadSeq(0);
    lastSeq.current = -1;
    const onFrame = (frame: ServerFrame) => {
      if (frame.type === "message") {
        if (frame.seq <= lastSeq.current) return;
        lastSeq.current = frame.seq;
        setMessages((list) => [...list, frame as StoredMessage]);
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
      else if (frame.type === "delivery")
        setDeliveries((map) =>
          new Map(map).set(frame.messageId, {
            state: frame.state,
            ...(frame.code ? { code: frame.code } : {}),
          }),
        );
      else if (frame.type === "status") setStatus(frame);
      else if (frame.type === "presence")
        setCustomerOnline(frame.online.some((who) => who.kind === "visitor"));
      else if (frame.type === "read" && frame.participant.kind === "visitor")
        setCustomerReadSeq((seq) => Math.max(seq, frame.seq));
      else if (frame.type === "error") setError(frame.message);
    };
    live.current = openRoom(id, () => lastSeq.current, onFrame, setConnected);
    return () => live.current?.close();
  }, [id]);

  // The socket's replay has no delivery states; the REST history does (live frames move them on).
  useEffect(() => {
    if (!channel) return;
    void api<{ data: StoredMessage[] }>(`/api/conversations/${id}/messages?limit=200&after=0`)
      .then(({ data }) =>
        setDeliveries((map) => {
          const next = new Map(map);
          for (const m of data) if (m.delivery && !next.has(m.id)) next.set(m.id, m.delivery);
          return next;
        }),
      )
      .catch(() => undefined);
  }, [id, channel]);

  // On screen means read: the room records it (the inbox's unread counts come from it).
  const newest = messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (connected && newest > 0) live.current?.send({ type: "read", seq: newest });
  }, [newest, connected]);

  /** Sends over the socket (false when it is not open); the message shows as pending until acked. */
  const send = (text: string, options: { note: boolean; attachmentIds: string[] }): boolean => {
    const clientId = crypto.randomUUID();
    const frame = {
      type: "message",
      clientId,
      text,
      ...(options.note ? { kind: "note" } : {}),
      ...(options.attachmentIds.length ? { attachmentIds: options.attachmentIds } : {}),
    };
    if (!live.current?.send(frame)) return false;
    setPending((list) => [...list, { clientId, text, note: options.note }]);
    return true;
  };
  const frame = (value: unknown) => live.current?.send(value) ?? false;

  return {
    messages,
    pending,
    forming,
    typing,
    plans,
    deliveries,
    status,
    customerOnline,
    customerReadSeq,
    connected,
    error,
    setError,
    send,
    frame,
  };
}
export type Room = ReturnType<typeof useRoom>;
