const encoder = new TextEncoder();

/**
 * The `X-Switchboard-Signature` of a delivery: hex HMAC-SHA256, keyed with the endpoint's secret
 * (its UTF-8 bytes), of `<X-Switchboard-Timestamp>.<raw body>` (docs/webhooks.md).
 */
export async function signWebhook(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${body}`));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
