import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../../lib/errors";
import { createRouter } from "../../lib/openapi";
import { IdParams } from "../../lib/responses";
import { text } from "../../lib/text";
import { verifyTicket } from "../../lib/tickets";
import { requireUpgrade, upgradeResponses } from "../../lib/websocket";
import { assertTicketHolderCurrent } from "../auth/principal.service";
import { joinRoom } from "./room-client";

const tags = ["Realtime"];

const WsQuery = z.object({
  ticket: text().min(1).max(2000),
  after: z.coerce.number().int().nonnegative().default(0),
  stream: text().max(100).optional().openapi({ description: "The AI reply stream the client was following" }),
  streamFrom: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(0)
    .openapi({ description: "First delta index it still needs" }),
});

/** The room's WebSocket entry: its ticket is checked here, before the upgrade reaches the object. */
export const realtimeRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/conversations/{id}/ws",
    tags,
    summary: "Join a conversation's room (WebSocket); replays messages after `after`, then `ready`",
    request: { params: IdParams, query: WsQuery },
    responses: upgradeResponses,
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { ticket, after, stream, streamFrom } = c.req.valid("query");
    const claims = await verifyTicket(ticket, c.var.config.JWT_SECRET, "conversation", id);
    requireUpgrade(c.req.header("Upgrade"));
    // A ticket outlives nothing: deactivation or key revocation since it was issued refuses it.
    if (claims.kind !== "visitor") await assertTicketHolderCurrent(c.var.db, claims);
    // The room itself answers 404 for a conversation it does not hold for this tenant.
    const response = await joinRoom(c.env, id, c.req.raw, {
      tenantId: claims.tenantId,
      participant: { kind: claims.kind, id: claims.participantId },
      ticketIssuedAtMs: claims.issuedAtMs,
      after,
      stream: stream ? { id: stream, from: streamFrom } : null,
    });
    if (response.status === 404) throw notFound("Conversation");
    return response;
  },
);
