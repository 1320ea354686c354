import { jwtVerify, SignJWT } from "jose";

const encoder = new TextEncoder();
const VISITOR_TOKEN_TTL = "30d";

export interface VisitorClaims {
  visitorId: string;
  tenantId: string;
  widgetKeyId: string;
  customerUserId: string | null;
}

/** A long-lived token that lets a browser come back as the same visitor. */
export function signVisitorToken(claims: VisitorClaims, secret: string): Promise<string> {
  return new SignJWT({
    tid: claims.tenantId,
    wk: claims.widgetKeyId,
    cuid: claims.customerUserId,
    typ: "visitor",
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.visitorId)
    .setIssuedAt()
    .setExpirationTime(VISITOR_TOKEN_TTL)
    .sign(encoder.encode(secret));
}

/** The visitor a token names, or null when it is invalid, expired or (given one) for another widget key. */
export async function verifyVisitorToken(
  token: string,
  secret: string,
  widgetKeyId?: string,
): Promise<VisitorClaims | null> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ["HS256"] });
    if (
      payload.typ !== "visitor" ||
      typeof payload.wk !== "string" ||
      (widgetKeyId !== undefined && payload.wk !== widgetKeyId) ||
      !payload.sub ||
      typeof payload.tid !== "string"
    )
      return null;
    const customerUserId = typeof payload.cuid === "string" ? payload.cuid : null;
    return { visitorId: payload.sub, tenantId: payload.tid, widgetKeyId: payload.wk, customerUserId };
  } catch {
    return null;
  }
}
