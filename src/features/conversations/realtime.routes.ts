import { createRoute, z } from "@hono/zod-openapi";
import { AppError, notFound } from "../../lib/errors";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { text } from "../../lib/text";
import { signTicket, verifyTicket } from "../../lib/tickets";
import { authorize } from "../auth/auth.middleware";
import { inboxFor, roomFor } from "./conversations.service";

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

const upgradeResponses = {
  101: { description: "Switching protocols: frames as in docs/realtime.md" },
  ...errors(400, 401, 403, 404, 426),
};

function requireUpgrade(header: string | undefined) {
  if (header?.toLowerCase() !== "websocket") {
    throw new AppError("upgrade_required", "Expected a WebSocket upgrade (Upgrade: websocket)");
  }
}

/** WebSocket entry points: tickets are checked here, before the upgrade reaches an object. */
export const realtimeRoutes = createRouter()
  .openapi(
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
      // The room itself answers 404 for a conversation it does not hold for this tenant.
      const headers = new Headers(c.req.raw.headers);
      headers.set("X-Tenant-Id", claims.tenantId);
      headers.set("X-Participant-Kind", claims.kind);
      headers.set("X-Participant-Id", claims.participantId);
      headers.set("X-After", String(after));
      if (stream) headers.set("X-Stream-Id", stream);
      headers.set("X-Stream-From", String(streamFrom));
      const response = await roomFor(c.env, id).fetch(new Request(c.req.url, { headers }));
      if (response.status === 404) throw notFound("Conversation");
      return response;
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/inbox/ticket",
      tags,
      security: bearerSecurity,
      summary: "A short-lived ticket for the tenant's live inbox WebSocket",
      middleware: authorize("conversations:read"),
      responses: {
        200: json(z.object({ ticket: text(), expiresIn: z.number().int(), url: text() }), "Ticket"),
        ...errors(...authErrors),
      },
    }),
    async (c) => {
      const { tenantId, id } = c.var.principal;
      const ticket = await signTicket(
        { scope: "inbox", target: tenantId, tenantId, kind: "staff", participantId: id },
        c.var.config.JWT_SECRET,
      );
      return c.json(
        { ticket, expiresIn: 60, url: `/api/inbox/ws?ticket=${encodeURIComponent(ticket)}` },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/inbox/ws",
      tags,
      summary: "The tenant's live inbox (WebSocket): a snapshot, then conversation events",
      request: { query: WsQuery.pick({ ticket: true }) },
      responses: upgradeResponses,
    }),
    async (c) => {
      const { ticket } = c.req.valid("query");
      const claims = await verifyTicket(ticket, c.var.config.JWT_SECRET, "inbox");
      requireUpgrade(c.req.header("Upgrade"));
      const headers = new Headers(c.req.raw.headers);
      headers.set("X-Tenant-Id", claims.tenantId);
      headers.set("X-Participant-Id", claims.participantId);
      return inboxFor(c.env, claims.tenantId).fetch(new Request(c.req.url, { headers }));
    },
  );
