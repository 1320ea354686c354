import { notFound } from "../../lib/errors";
import { signTicket, type TicketClaims } from "../../lib/tickets";
import { roomFor } from "./room-client";

/** A ticket for one participant of a conversation, with the room's current last seq. */
export async function issueConversationTicket(
  env: Env,
  secret: string,
  conversation: { id: string; tenantId: string },
  kind: TicketClaims["kind"],
  participantId: string,
) {
  const info = await roomFor(env, conversation.id).info();
  if (!info) throw notFound("Conversation");
  const ticket = await signTicket(
    { scope: "conversation", target: conversation.id, tenantId: conversation.tenantId, kind, participantId },
    secret,
  );
  return {
    ticket,
    expiresIn: 60,
    url: `/api/conversations/${conversation.id}/ws?ticket=${encodeURIComponent(ticket)}`,
    lastSeq: info.lastSeq,
  };
}
