import { jwtVerify, SignJWT } from "jose";
import { type Role, roles } from "../db/schema";
import { AppError } from "./errors";

const ISSUER = "switchboard";
const encoder = new TextEncoder();

export interface AccessClaims {
  userId: string;
  tenantId: string;
  role: Role;
  /**
   * When it was issued, in milliseconds (`ims`): `iat` has whole seconds, too coarse to tell a token
   * issued just before a logout from one issued just after it.
   */
  issuedAtMs: number;
}

/** Signs a short-lived HS256 access token. */
export async function signAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number) {
  return new SignJWT({ tid: claims.tenantId, role: claims.role, typ: "access", ims: claims.issuedAtMs })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(encoder.encode(secret));
}

// Every authenticated request verifies a token: the HMAC key is imported once per secret and isolate
// (a CryptoKey is no I/O object, so it may outlive the request that made it).
const verifyKeys = new Map<string, CryptoKey>();
async function verifyKey(secret: string): Promise<CryptoKey> {
  const cached = verifyKeys.get(secret);
  if (cached) return cached;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  verifyKeys.set(secret, key);
  return key;
}

/** Verifies an access token; any failure is a 401 without saying which check failed. */
export async function verifyAccessToken(token: string, secret: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, await verifyKey(secret), {
      issuer: ISSUER,
      algorithms: ["HS256"],
    });
    const role = roles.find((r) => r === payload.role);
    if (payload.typ !== "access" || !payload.sub || typeof payload.tid !== "string" || !role)
      throw new Error();
    // Tokens from before `ims` existed count from the start of their `iat` second.
    const issuedAtMs = typeof payload.ims === "number" ? payload.ims : (payload.iat ?? 0) * 1000;
    return { userId: payload.sub, tenantId: payload.tid, role, issuedAtMs };
  } catch {
    throw new AppError("unauthorized", "Invalid or expired access token");
  }
}
