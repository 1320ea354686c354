const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `sha256=<hex>` over exactly these bytes, as Meta computes X-Hub-Signature-256. */
export async function metaSignature(raw: ArrayBuffer | Uint8Array, appSecret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(appSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return `sha256=${hex(await crypto.subtle.sign("HMAC", key, raw))}`;
}

/**
 * Whether `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body under the app secret. Compared in
 * constant time; a missing or malformed header (or an empty secret) is simply false. The body must be
 * the bytes as received: Meta signs its own serialisation (unicode escaped), so re-stringified JSON fails.
 */
export async function verifyMetaSignature(
  raw: ArrayBuffer,
  headers: Headers,
  appSecret: string,
): Promise<boolean> {
  const header = headers.get("x-hub-signature-256");
  if (!appSecret || !header || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = encoder.encode(await metaSignature(raw, appSecret));
  // Hex case is not significant; lower-cased so an upper-case digest still compares equal.
  const got = encoder.encode(header.toLowerCase());
  return got.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(got, expected);
}

/**
 * The GET subscription handshake: the challenge to echo (200, plain text) when `hub.mode` is
 * `subscribe` and `hub.verify_token` matches, else null (answer 403). Compared in constant time.
 */
export function metaHandshake(query: URLSearchParams, verifyToken: string): string | null {
  const challenge = query.get("hub.challenge");
  if (query.get("hub.mode") !== "subscribe" || challenge === null || !verifyToken) return null;
  const got = encoder.encode(query.get("hub.verify_token") ?? "");
  const expected = encoder.encode(verifyToken);
  if (got.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(got, expected)) return null;
  return challenge;
}
