// The fake Meta Graph API's client (test/support/node/fake-meta.ts is the server) and builders of
// webhook deliveries signed as Meta signs them. No workerd imports: Node tests (the browser tests)
// use them too. The signature is computed here, not with the Worker's own code it checks.

/** A scripted answer (see test/support/node/fake-meta.ts). */
export interface MetaScript {
  status?: number;
  error?: { code: number; error_subcode?: number; message?: string; type?: string; is_transient?: boolean };
  json?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  times?: number;
}

/** One call the fake received. `host` is `facebook`, `instagram`, `lookaside` or `cdn`; `path` is below the version. */
export interface MetaCall {
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  body: unknown;
}

/** A fresh namespace of the fake Graph API: its two hosts' base URLs, scripts, media and recorded calls. */
export function fakeMeta(fakeServicesUrl: string) {
  const ns = `meta-${crypto.randomUUID()}`;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${fakeServicesUrl}/_test/meta/${path}`, {
      method: "POST",
      body: JSON.stringify({ ns, ...(body as object) }),
    });
    await response.arrayBuffer();
  };
  return {
    ns,
    /** graph.facebook.com */
    facebookBase: `${fakeServicesUrl}/meta/${ns}/facebook`,
    /** graph.instagram.com */
    instagramBase: `${fakeServicesUrl}/meta/${ns}/instagram`,
    /** A public CDN URL serving media registered with `media` (Messenger/Instagram attachments). */
    cdnUrl: (mediaId: string) => `${fakeServicesUrl}/meta/${ns}/cdn/${mediaId}`,
    /** Answers `route` ("POST /123/messages", "GET /me", or "*") as scripted. */
    script: (route: string, reply: MetaScript) => post("script", { route, reply }),
    /** What `/me` and `/{id}?fields=` answer (fields other than `id` as given). */
    profile: (profile: Record<string, unknown>) => post("profile", { profile }),
    /** A media id (WhatsApp) / CDN file with these bytes. */
    media: (mediaId: string, bytes: Uint8Array, mimeType: string) =>
      post("media", { id: mediaId, base64: btoa(String.fromCharCode(...bytes)), mimeType }),
    calls: async () =>
      (await (await fetch(`${fakeServicesUrl}/_test/meta/calls?ns=${ns}`)).json()) as MetaCall[],
  };
}

/**
 * One access token's view of the fake behind the Worker's META_GRAPH_BASE / INSTAGRAM_GRAPH_BASE
 * (namespace `workers`, shared by every test): its own profile, scripts and recorded calls.
 */
export function graphAccount(fakeServicesUrl: string, token: string) {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${fakeServicesUrl}/_test/meta/${path}`, {
      method: "POST",
      body: JSON.stringify({ ns: "workers", token, ...(body as object) }),
    });
    await response.arrayBuffer();
  };
  return {
    token,
    /** Answers this token's `route` ("POST /123/messages", "GET /me", or "*") as scripted. */
    script: (route: string, reply: MetaScript) => post("script", { route, reply }),
    /** What `/me` and `/{id}?fields=` answer for this token. */
    profile: (profile: Record<string, unknown>) => post("profile", { profile }),
    media: (mediaId: string, bytes: Uint8Array, mimeType: string) =>
      post("media", { id: mediaId, base64: btoa(String.fromCharCode(...bytes)), mimeType }),
    /** The calls made with this token, in order. */
    calls: async () =>
      (await (
        await fetch(`${fakeServicesUrl}/_test/meta/calls?ns=workers&token=${encodeURIComponent(token)}`)
      ).json()) as MetaCall[],
  };
}

/** A Graph error body as Meta sends it. */
export function graphErrorBody(code: number, message: string, subcode?: number) {
  return {
    error: {
      message,
      type: "OAuthException",
      code,
      ...(subcode === undefined ? {} : { error_subcode: subcode }),
      fbtrace_id: "AbCdEfGh123",
    },
  };
}

/**
 * JSON as Meta serialises webhook bodies: every non-ASCII character as a \uXXXX escape and "/" as
 * "\/". A body re-stringified by JSON.stringify differs from it byte for byte.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}

/** A webhook delivery with a correct X-Hub-Signature-256 over exactly the bytes of `body`. */
export async function signedDelivery(payload: unknown, appSecret: string) {
  const body = typeof payload === "string" ? payload : metaJson(payload);
  const bytes = new TextEncoder().encode(body);
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(appSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes.buffer as ArrayBuffer));
  const hex = [...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const headers = { "Content-Type": "application/json", "X-Hub-Signature-256": `sha256=${hex}` };
  return { body, bytes, headers };
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

/** A WhatsApp text message as the Cloud API puts it in `value.messages[]`. */
export function waText(from: string, id: string, at: number, body: string) {
  return { from, id, timestamp: seconds(at), type: "text", text: { body } };
}

/** A WhatsApp status as in `value.statuses[]` (with `errors` when failed). */
export function waStatus(id: string, status: string, at: number, recipient: string, errorCode?: number) {
  return {
    id,
    status,
    timestamp: seconds(at),
    recipient_id: recipient,
    ...(errorCode === undefined
      ? {}
      : { errors: [{ code: errorCode, title: "Error", error_data: { details: "Scripted failure" } }] }),
  };
}

/** A WhatsApp Business Account delivery with one `messages` change per item of `changes`. */
export function whatsappDelivery(
  wabaId: string,
  phoneNumberId: string,
  changes: Array<{
    messages?: unknown[];
    statuses?: unknown[];
    contacts?: Array<{ wa_id: string; name: string }>;
    field?: string;
  }>,
) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: wabaId,
        changes: changes.map(({ messages, statuses, contacts, field }) => ({
          field: field ?? "messages",
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: "15550100", phone_number_id: phoneNumberId },
            ...(contacts
              ? { contacts: contacts.map((c) => ({ profile: { name: c.name }, wa_id: c.wa_id })) }
              : {}),
            ...(field === "smb_message_echoes" ? { message_echoes: messages } : messages ? { messages } : {}),
            ...(statuses ? { statuses } : {}),
          },
        })),
      },
    ],
  };
}

/** A Messenger (`page`) or Instagram delivery: one entry per account, each with its `messaging[]`. */
export function messagingDelivery(
  object: "page" | "instagram",
  entries: Array<{ id: string; messaging: unknown[] }>,
) {
  return { object, entry: entries.map((e) => ({ id: e.id, time: Date.now(), messaging: e.messaging })) };
}

/** One `messaging[]` item: a customer's text message to the account. */
export function customerText(psid: string, accountId: string, mid: string, at: number, text: string) {
  return { sender: { id: psid }, recipient: { id: accountId }, timestamp: at, message: { mid, text } };
}
