import { jwtVerify, SignJWT } from "jose";
import { AppError } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import type { Participant } from "./participant";

const encoder = new TextEncoder();
const TYPE = "attachment-upload";

/** What a signed upload URL grants: one file, with this id, into one conversation, by one participant. */
export interface UploadGrant {
  attachmentId: string;
  conversationId: string;
  filename: string | undefined;
  uploader: Participant;
}

/** Signs the token of a PUT URL that stores one attachment before `expiresInSeconds` pass. */
export async function signUpload(
  secret: string,
  who: Participant,
  conversationId: string,
  filename: string | undefined,
  expiresInSeconds: number,
) {
  const attachmentId = uuidv7();
  const expiresAt = new Date(Date.now() + expiresInSeconds * 1000);
  const token = await new SignJWT({
    typ: TYPE,
    tid: who.tenantId,
    cid: conversationId,
    k: who.kind,
    pid: who.id,
    ...(filename === undefined ? {} : { fn: filename }),
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(attachmentId)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(encoder.encode(secret));
  return { attachmentId, token, expiresAt };
}

const KINDS = ["visitor", "staff", "integration"] as const;

/** The grant of an upload token for `attachmentId`; 401 when it is tampered with, expired or for another file. */
export async function verifyUpload(
  secret: string,
  token: string,
  attachmentId: string,
): Promise<UploadGrant> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ["HS256"] }));
  } catch {
    throw new AppError("unauthorized", "Invalid or expired upload URL: ask for a new one");
  }
  const { sub, typ, tid, cid, k, pid, fn } = payload;
  const kind = KINDS.find((known) => known === k);
  if (
    typ !== TYPE ||
    sub !== attachmentId ||
    typeof tid !== "string" ||
    typeof cid !== "string" ||
    typeof pid !== "string" ||
    !kind
  )
    throw new AppError("unauthorized", "Invalid upload URL");
  return {
    attachmentId,
    conversationId: cid,
    filename: typeof fn === "string" ? fn : undefined,
    uploader: { tenantId: tid, kind, id: pid, conversationId: kind === "visitor" ? cid : null },
  };
}
