import { jwtVerify, SignJWT } from "jose";
import { AppError } from "./errors";

const encoder = new TextEncoder();
const TICKET_TTL_SECONDS = 60;

/** What a WebSocket ticket grants: one participant, one conversation (or the tenant's inbox). */
export interface TicketClaims {
  scope: "conversation" | "inbox";
  /** The conversation id, or the tenant id for the inbox. */
  target: string;
  tenantId: string;
  /** `integration`: a tenant API key (not a user: never an assignee). */
  kind: "visitor" | "staff" | "integration";
  participantId: string;
}

/** Signs a short-lived ticket for a WebSocket URL (browsers cannot set headers on a WebSocket). */
export async function signTicket(claims: TicketClaims, secret: string): Promise<string> {
  return new SignJWT({
    scope: claims.scope,
    tid: claims.tenantId,
    kind: claims.kind,
    pid: claims.participantId,
    typ: "ticket",
    // Milliseconds, compared with the principal's revocation instant at upgrade (`iat` has seconds).
    ims: Date.now(),
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.target)
    .setIssuedAt()
    .setExpirationTime(`${TICKET_TTL_SECONDS}s`)
    .sign(encoder.encode(secret));
}

/** Verifies a ticket; 401 when bad or expired, 403 when it was issued for another target than `target`. */
export async function verifyTicket(
  ticket: string,
  secret: string,
  scope: TicketClaims["scope"],
  target?: string,
) {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(ticket, encoder.encode(secret), { algorithms: ["HS256"] }));
  } catch {
    throw new AppError("unauthorized", "Invalid or expired ticket");
  }
  const { sub, tid, kind, pid, typ, ims } = payload;
  if (typ !== "ticket" || payload.scope !== scope || typeof tid !== "string" || typeof pid !== "string") {
    throw new AppError("unauthorized", "Invalid ticket");
  }
  if (!isTicketKind(kind)) throw new AppError("unauthorized", "Invalid ticket");
  if (typeof sub !== "string") throw new AppError("unauthorized", "Invalid ticket");
  if (target !== undefined && sub !== target)
    throw new AppError("forbidden", "This ticket was issued for another conversation");
  const issuedAtMs = typeof ims === "number" ? ims : Number(payload.iat ?? 0) * 1000;
  return {
    scope,
    target: sub,
    tenantId: tid,
    kind,
    participantId: pid,
    issuedAtMs,
  } satisfies TicketClaims & {
    issuedAtMs: number;
  };
}

const isTicketKind = (value: unknown): value is TicketClaims["kind"] =>
  value === "visitor" || value === "staff" || value === "integration";
