import { z } from "zod";
import type { JsonObject } from "../../lib/json";
import { text } from "../../lib/text";

/** Limits on what a client may send over the socket or REST. */
export const MAX_FRAME_BYTES = 16 * 1024;
export const MAX_TEXT_CHARS = 4000;
/** Most attachments one message carries. */
export const MAX_ATTACHMENTS = 10;

export const ClientId = text().min(1).max(100);
export const MessageText = text()
  .max(MAX_TEXT_CHARS, `text is longer than ${MAX_TEXT_CHARS} characters`)
  .refine((text) => text.trim().length > 0, "text is empty");

/** Frames a client sends. Anything else gets an `error` frame; the socket stays usable. */
export const ClientFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message"),
    clientId: ClientId,
    text: MessageText,
    /** Files uploaded to this conversation (POST /api/conversations/{id}/attachments). */
    attachmentIds: z.array(text().max(100)).max(MAX_ATTACHMENTS).optional(),
  }),
  z.object({ type: z.literal("typing"), on: z.boolean() }),
  z.object({ type: z.literal("read"), seq: z.number().int().nonnegative() }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("handoff") }),
  // Plans (docs/realtime.md): staff allowed to approve decide; a visitor may reject (cancel).
  z.object({ type: z.literal("approve"), planId: text().min(1).max(100) }),
  z.object({
    type: z.literal("reject"),
    planId: text().min(1).max(100),
    reason: text().max(500).optional(),
  }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Who wrote a message: a visitor, a staff user, an integration (a tenant API key), the AI or the system. */
/** The header that carries a `RoomJoin` from the Worker to the room. */
export const JOIN_HEADER = "X-Switchboard-Join";

/** Who joins a room and where they resume: the verified claims of their ticket and the query. */
export const RoomJoin = z.object({
  tenantId: text().min(1),
  participant: z.object({ kind: z.enum(["visitor", "staff", "integration"]), id: text().min(1) }),
  ticketIssuedAtMs: z.number().int().nonnegative(),
  after: z.number().int().nonnegative(),
  /** The AI reply stream the client was following, and the first delta it still needs. */
  stream: z.object({ id: text().max(100), from: z.number().int().nonnegative() }).nullable(),
});
export type RoomJoin = z.infer<typeof RoomJoin>;

export type SenderKind = "visitor" | "staff" | "integration" | "ai" | "system";

export interface Sender {
  kind: SenderKind;
  id: string;
}

export interface MessageFrame {
  type: "message";
  seq: number;
  id: string;
  clientId?: string;
  sender: Sender;
  text: string;
  createdAt: string;
}

/** A message as its room stores it and its RPC methods return it. */
export interface StoredMessage extends MessageFrame {
  metadata: JsonObject;
}

/** What a participant posts: `attachmentIds` name files uploaded to the conversation. */
export interface PostInput {
  clientId?: string;
  text: string;
  metadata?: JsonObject;
  attachmentIds?: string[];
}

/** What posting a message to a room answers. */
export type PostResult =
  | { ok: true; duplicate: boolean; message: StoredMessage }
  | { ok: false; code: "not_found" | "conflict"; message: string };

/** One model call's cost, recorded by the room it served (its outbox copies it to Postgres). */
export interface AiUsageRecord {
  agentId: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costEstimate: number;
}

/** What happened to a plan: proposed, approved, a step changed, or how it ended. */
export type PlanEvent =
  | "proposed"
  | "approved"
  | "step"
  | "completed"
  | "completed_with_errors"
  | "failed"
  | "rejected"
  | "expired"
  | "superseded"
  | "interrupted";

/** Frames the server sends. */
export type ServerFrame =
  | MessageFrame
  | { type: "ack"; clientId: string; seq: number; id: string }
  | { type: "ready"; lastSeq: number }
  | { type: "typing"; participant: Sender; on: boolean }
  | { type: "presence"; participant: Sender; state: "join" | "leave"; online: Sender[] }
  | { type: "read"; participant: Sender; seq: number }
  | { type: "status"; status: string; assigneeId: string | null; teamId?: string | null; reason?: string }
  | { type: "ai.thinking"; streamId: string }
  | { type: "ai.delta"; streamId: string; index: number; text: string }
  | { type: "ai.cancelled"; streamId: string; reason: string }
  | { type: "ai.interrupted"; streamId: string }
  | { type: "plan"; event: PlanEvent; plan: { id: string; status: string; [key: string]: unknown } }
  | { type: "pong" }
  | { type: "error"; code: string; message: string };
