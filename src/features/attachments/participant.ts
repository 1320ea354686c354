import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { enforceRateLimit } from "../../lib/rate-limit";
import type { Permission } from "../../lib/rbac";
import { verifyTicket } from "../../lib/tickets";
import { admit } from "../auth/auth.middleware";
import { assertTicketHolderCurrent } from "../auth/principal.service";

/** Who sends or fetches a file: staff of the tenant (any of its conversations), or one conversation's visitor. */
export interface Participant {
  tenantId: string;
  kind: "visitor" | "staff" | "integration";
  id: string;
  /** The one conversation a ticket is for; null for a bearer token (the whole tenant). */
  conversationId: string | null;
}

/**
 * Authenticates a conversation ticket (`?ticket=`, what the widget holds; `conversationId`: the one
 * it must be for) or a bearer token with `permission`.
 */
export async function participantOf(
  c: Context<AppEnv>,
  permission: Permission,
  conversationId?: string,
): Promise<Participant> {
  const ticket = c.req.query("ticket");
  if (ticket) {
    const claims = await verifyTicket(ticket, c.var.config.JWT_SECRET, "conversation", conversationId);
    if (claims.kind !== "visitor") await assertTicketHolderCurrent(c.var.db, claims);
    await enforceRateLimit(c.env.API_RATE_LIMITER, `ticket:${claims.kind}:${claims.participantId}`);
    return {
      tenantId: claims.tenantId,
      kind: claims.kind,
      id: claims.participantId,
      conversationId: claims.target,
    };
  }
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
  if (!match?.[1])
    throw new AppError(
      "unauthorized",
      "Missing credentials: a bearer token, or ?ticket= (a conversation ticket)",
    );
  await admit(c, match[1], permission);
  const { principal } = c.var;
  return {
    tenantId: principal.tenantId,
    kind: principal.kind === "user" ? "staff" : "integration",
    id: principal.id,
    conversationId: null,
  };
}
