import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";
import { json } from "../../lib/responses";
import { text } from "../../lib/text";
import { signTicket, verifyTicket } from "../../lib/tickets";
import { requireUpgrade, upgradeResponses } from "../../lib/websocket";
import { featureRoutes } from "../auth/api-route";
import { assertTicketHolderCurrent } from "../auth/principal.service";
import { inboxClient } from "./inbox-client";

const tags = ["Realtime"];
const route = featureRoutes(tags);
const TicketQuery = z.object({ ticket: text().min(1).max(2000) });

/** The tenant's live inbox: a ticket, then its WebSocket (the ticket is checked before the upgrade). */
export const inboxRoutes = createRouter()
  .openapi(
    route("conversations:read", {
      method: "post",
      path: "/inbox/ticket",
      summary: "A short-lived ticket for the tenant's live inbox WebSocket",
      responses: {
        200: json(z.object({ ticket: text(), expiresIn: z.number().int(), url: text() }), "Ticket"),
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
      request: { query: TicketQuery },
      responses: upgradeResponses,
    }),
    async (c) => {
      const { ticket } = c.req.valid("query");
      const claims = await verifyTicket(ticket, c.var.config.JWT_SECRET, "inbox");
      requireUpgrade(c.req.header("Upgrade"));
      await assertTicketHolderCurrent(c.var.db, claims);
      return inboxClient(c.env, claims.tenantId).connect(c.req.raw, {
        tenantId: claims.tenantId,
        principalId: claims.participantId,
        ticketIssuedAtMs: claims.issuedAtMs,
      });
    },
  );
