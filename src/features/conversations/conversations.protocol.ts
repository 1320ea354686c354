import { z } from "zod";
import type { JsonObject } from "../../lib/json";
import { text } from "../../lib/text";
import type { DeliveryState } from "../channels/channel-adapter";

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
    /** `note`: a private note, staff only (a visitor's is refused). */
    kind: z.enum(["message", "note"]).optional(),
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

export type MessageKind = "message" | "note";

export interface MessageFrame {
  type: "message";
  seq: number;
  id: string;
  clientId?: string;
  sender: Sender;
  text: string;
  createdAt: string;
  /** Present on private notes only: staff see them; the visitor, channels and the AI never do. */
  kind?: "note";
}

/** Whether a message may reach the customer (their socket, a channel, a transcript or the AI). */
export const isCustomerVisible = (message: { kind?: MessageKind }): boolean => message.kind !== "note";

/** A message as its room stores it and its RPC methods return it. */
export interface StoredMessage extends MessageFrame {
  metadata: JsonObject;
  /** A reply on a messaging channel: where its delivery stands (`code` when failed: FAILURE:platform code). */
  delivery?: { state: DeliveryState; code?: string };
}

/** A message that arrived on a messaging channel, as the channel consumer hands it to the room. */
export interface ChannelInbound {
  sender: Sender;
  clientId: string;
  text: string;
  metadata: JsonObject;
  /** Platform time (ms); a customer's message restarts the messaging window from it. */
  at: number;
  fromCustomer: boolean;
}

/** What posting a message to a room answers. */
export type PostResult =
  | { ok: true; duplicate: boolean; message: StoredMessage }
  | { ok: false; code: "not_found" | "conflict"; message: string };

/** A message to post through RPC; `usage` records the model call that wrote it in the same step. */
export interface RoomPost {
  clientId?: string;
  text: string;
  metadata?: JsonObject;
  usage?: AiUsageRecord;
  /** `note`: a private note (staff only). */
  kind?: MessageKind;
  /** Files uploaded to the conversation that the message carries. */
  attachmentIds?: readonly string[];
}

/** What a `/chat/completion` turn gets back from its room in one call. */
export type ChatTurn =
  | { ok: true; pendingPlanId: string | null; history: StoredMessage[] }
  | Extract<PostResult, { ok: false }>;

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
  | { type: "csat"; surveyId: string; question: string; scale: { min: 1; max: 5 } }
  | { type: "delivery"; messageId: string; seq: number; state: DeliveryState; code?: string }
  | { type: "pong" }
  | { type: "error"; code: string; message: string };
