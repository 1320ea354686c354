import { parseJson } from "../../lib/json";
import { ACCESS_REVOKED_CLOSE } from "../inbox/tenant-inbox";
import { ClientFrame, MAX_FRAME_BYTES, type Sender, type ServerFrame } from "./conversations.protocol";
import type { StoredMessage } from "./room-store";

/** An ack for a stored message, to the socket that sent it. */
export function ackFor(message: StoredMessage): ServerFrame {
  return { type: "ack", clientId: message.clientId ?? "", seq: message.seq, id: message.id };
}

/**
 * The room's hibernatable sockets: who holds each (its attachment) and what they are sent. State
 * lives in the attachments, never in memory, so it survives hibernation.
 */
export class RoomSockets {
  // Typing is relayed at most this often per participant (a stop always goes out).
  private static readonly TYPING_THROTTLE_MS = 2_000;
  private readonly typingSentAt = new Map<string, number>();

  constructor(private readonly ctx: DurableObjectState) {}

  /** Relays typing to the others, throttled; whether it went out. */
  typing(ws: WebSocket, participant: Sender, on: boolean): boolean {
    const key = `${participant.kind}:${participant.id}`;
    const now = Date.now();
    if (on && now - (this.typingSentAt.get(key) ?? 0) < RoomSockets.TYPING_THROTTLE_MS) return false;
    this.typingSentAt.set(key, on ? now : 0);
    this.broadcast({ type: "typing", participant, on }, { except: ws });
    return true;
  }

  /** Accepts a socket for `participant` (the room sends its replay on it before anything else). */
  accept(participant: Sender): { client: WebSocket; server: WebSocket } {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(participant);
    return { client, server };
  }

  participantOf(ws: WebSocket): Sender | null {
    return ws.deserializeAttachment() as Sender | null;
  }

  /** Sends to every socket but `except`; `ackTo` (a message's sending socket) gets its ack first. */
  broadcast(
    frame: ServerFrame | StoredMessage,
    options: { except?: WebSocket; ackTo?: WebSocket } = {},
  ): void {
    const text = JSON.stringify(frame);
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === options.except) continue;
      try {
        if (socket === options.ackTo && "metadata" in frame) socket.send(JSON.stringify(ackFor(frame)));
        socket.send(text);
      } catch {
        // The socket is closing; its close handler tidies up.
      }
    }
  }

  send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket is closing.
    }
  }

  /** Tells everyone (but the leaving socket) who joined or left, and who is online now. */
  presence(participant: Sender, state: "join" | "leave", leaving?: WebSocket): void {
    const online = new Map<string, Sender>();
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === leaving) continue;
      const who = this.participantOf(socket);
      if (who) online.set(`${who.kind}:${who.id}`, who);
    }
    this.broadcast(
      { type: "presence", participant, state, online: [...online.values()] },
      { except: leaving },
    );
  }

  /** A socket closed: finishes the close and tells the others it left; who it was. */
  release(ws: WebSocket, code: number): Sender | null {
    const participant = this.participantOf(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed.
    }
    if (participant) this.presence(participant, "leave", ws);
    return participant;
  }

  /** Closes a deactivated user's or revoked API key's sockets; how many there were. */
  closeParticipant(principalId: string): number {
    let closed = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const who = this.participantOf(socket);
      if (!who || who.kind === "visitor" || who.id !== principalId) continue;
      try {
        socket.close(ACCESS_REVOKED_CLOSE, "access revoked");
        closed++;
      } catch {
        // Already closed.
      }
    }
    return closed;
  }

  /** Whether the staff principal still has a socket here besides `except`. */
  hasStaffSocket(principalId: string, except: WebSocket): boolean {
    return this.ctx.getWebSockets().some((socket) => {
      const who = socket !== except ? this.participantOf(socket) : null;
      return who !== null && who.kind !== "visitor" && who.id === principalId;
    });
  }

  /** Closes every socket (the conversation was deleted). */
  closeAll(code: number, reason: string): void {
    for (const socket of this.ctx.getWebSockets()) socket.close(code, reason);
  }
}

/** A client's frame, checked: the frame, or the error frame that answers it. */
export function readFrame(data: string | ArrayBuffer): ClientFrame | Extract<ServerFrame, { type: "error" }> {
  // A string of n UTF-16 units is at most 3n UTF-8 bytes: only long frames need encoding to measure.
  const size =
    typeof data !== "string"
      ? data.byteLength
      : data.length * 3 <= MAX_FRAME_BYTES
        ? data.length
        : new TextEncoder().encode(data).byteLength;
  if (size > MAX_FRAME_BYTES)
    return {
      type: "error",
      code: "frame_too_large",
      message: `Frames are limited to ${MAX_FRAME_BYTES} bytes`,
    };
  const frame = ClientFrame.safeParse(parseJson(data));
  if (frame.success) return frame.data;
  const issue = frame.error.issues[0];
  return {
    type: "error",
    code: "invalid_frame",
    message: issue ? `${issue.path.join(".") || "frame"}: ${issue.message}` : "invalid frame",
  };
}

/** The answer to a handoff frame from staff: only the visitor asks for a human. */
export const VISITOR_ONLY = {
  type: "error",
  code: "forbidden",
  message: "Only the visitor asks for a human",
} as const;
