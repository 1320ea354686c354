// Live connections: the tenant inbox and a conversation's room, each opened with a fresh ticket and
// reopened with backoff when the network drops (a room resumes after the last seq it showed).
import type { ServerFrame } from "../features/conversations/conversations.protocol";
import type { ConversationView } from "../features/conversations/conversations.views";
import type { InboxEvent } from "../features/inbox/inbox.protocol";
import { api } from "./api";

export type InboxFrame = InboxEvent | { type: "snapshot"; conversations: ConversationView[] };

export interface Live {
  send(frame: unknown): boolean;
  close(): void;
}

interface Ticket {
  url: string;
  lastSeq?: number;
}

/** How many recent messages a conversation opens with (older ones stay in the REST history). */
const RECENT = 200;

/** Keeps a socket open: `open()` makes the URL (a new ticket each time); frames go to `onFrame`. */
function keepOpen<F>(
  open: () => Promise<string>,
  onFrame: (frame: F) => void,
  onState: (connected: boolean) => void,
): Live {
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  const connect = async () => {
    if (closed) return;
    try {
      const url = new URL(await open(), location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      socket = new WebSocket(url);
    } catch {
      return retry();
    }
    socket.onopen = () => {
      attempt = 0;
      onState(true);
    };
    socket.onmessage = (event) => onFrame(JSON.parse(String(event.data)) as F);
    socket.onclose = () => {
      onState(false);
      retry();
    };
  };
  const retry = () => {
    if (closed) return;
    attempt += 1;
    setTimeout(() => void connect(), Math.min(10_000, 250 * 2 ** attempt));
  };
  void connect();
  return {
    send: (frame) => {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    close: () => {
      closed = true;
      socket?.close(1000);
    },
  };
}

/** The tenant's live inbox: a snapshot, then events. */
export function openInbox(onFrame: (frame: InboxFrame) => void, onState: (connected: boolean) => void): Live {
  return keepOpen(async () => (await api<Ticket>("/api/inbox/ticket", { json: {} })).url, onFrame, onState);
}

/** A conversation's room; `lastSeq()` says where to resume after a drop (-1: nothing shown yet). */
export function openRoom(
  conversationId: string,
  lastSeq: () => number,
  onFrame: (frame: ServerFrame) => void,
  onState: (connected: boolean) => void,
): Live {
  const open = async () => {
    const ticket = await api<Ticket>(`/api/conversations/${conversationId}/ticket`, { json: {} });
    const shown = lastSeq();
    const after = shown >= 0 ? shown : Math.max(0, (ticket.lastSeq ?? 0) - RECENT);
    return `${ticket.url}&after=${after}`;
  };
  return keepOpen(open, onFrame, onState);
}
