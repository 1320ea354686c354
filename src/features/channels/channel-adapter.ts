/**
 * The contract between the platform-neutral channel machinery (webhook routes, queue consumer, room
 * outbound queue, delivery status) and each platform (Telegram, WhatsApp, Messenger, Instagram).
 * A platform module knows its wire format; nothing outside it parses a platform payload.
 */

export const channelTypes = ["whatsapp", "messenger", "instagram", "telegram"] as const;
export type ChannelType = (typeof channelTypes)[number];

/** Delivery states; a message's state only moves forward in this order (`failed` is terminal). */
export const deliveryStates = ["queued", "sent", "delivered", "read", "failed"] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/** A file the customer sent, still on the platform (fetched and stored by the consumer, size-capped). */
export interface InboundMedia {
  kind: "image" | "document" | "audio" | "video" | "sticker";
  /** The platform's media id or file id (WhatsApp media id, Telegram file_id) or a URL (Messenger). */
  ref: string;
  mimeType?: string;
  fileName?: string;
  caption?: string;
}

/** One thing a webhook delivery told us, normalised; a delivery yields any number of them. */
export type InboundEvent =
  | {
      type: "message";
      /** The platform's unique id for dedupe: WhatsApp wamid, Messenger/Instagram mid, Telegram update_id. */
      platformId: string;
      /** Who the conversation is with: wa_id, PSID, IGSID, Telegram chat id. */
      contactRef: string;
      contactName?: string;
      /** Platform time in ms since the epoch (orders the conversation; ties by arrival). */
      at: number;
      /** Text, or locations/contacts rendered as structured text, or a visible placeholder for an unsupported kind. */
      text: string;
      media?: InboundMedia[];
      /** Sent by the business from the platform's own app (appears as a staff message). */
      fromBusiness?: boolean;
      /** An echo of a message we sent ourselves (ignored). */
      echo?: boolean;
    }
  | {
      type: "status";
      /** The platform's id of our outbound message (as returned by the send call). */
      platformMessageId: string;
      state: Exclude<DeliveryState, "queued">;
      at: number;
      /** The platform's error code when `state` is failed. */
      code?: string;
      /**
       * A watermark (Messenger/Instagram): every reply to `contactRef` sent at or before `at` reached
       * `state`; `platformMessageId` then names no message.
       */
      watermark?: { contactRef: string };
      /** Our idempotency key (our message id) when the platform echoes it (WhatsApp biz_opaque_callback_data). */
      sendKey?: string;
    };

/** Why a send did not go out, typed so staff and the AI can act on it. */
export type SendFailure = "WINDOW_CLOSED" | "RATE_LIMITED" | "TOKEN_INVALID" | "UNDELIVERABLE";

export type SendResult =
  | { ok: true; platformMessageId: string }
  | { ok: false; failure: SendFailure; code: string; retryAfterMs?: number };

/** A reply to send: free-form text, or (WhatsApp) a template for outside the window. */
export type OutboundMessage =
  | { kind: "text"; text: string; humanAgent?: boolean }
  | { kind: "template"; name: string; language: string; parameters: string[] };

/** The window a conversation's next free-form reply must fit in (Telegram: always open). */
export interface MessagingWindow {
  /** When free-form replies stop being allowed (ISO), or null when the platform has no window. */
  expiresAt: string | null;
  /** Only a template may be sent now (WhatsApp outside the 24 h window). */
  templateRequired: boolean;
}

/** A file fetched from the platform, to be stored in object storage. */
export interface FetchedMedia {
  bytes: Uint8Array;
  mimeType: string;
}

/** What "who am I" answered: the token works (with the account's display name) or why not. */
export type IdentityCheck = { ok: true; name: string } | { ok: false; failure: SendFailure; code: string };

/**
 * One platform. `Config` is its decrypted channel configuration (tokens, secrets, ids); every call
 * to the platform goes through src/providers/outbound.ts with `apiBase` as the base URL (tests point
 * it at a local fake that speaks the real protocol).
 */
export interface ChannelPlatform<Config> {
  type: ChannelType;
  /**
   * Checks the delivery on its raw bytes (Meta: X-Hub-Signature-256; Telegram: the secret-token
   * header, compared with `webhookToken`, the channel's own secret).
   */
  verify(raw: ArrayBuffer, headers: Headers, config: Config, webhookToken: string): Promise<boolean>;
  /**
   * Every event of a delivery (every entry, change, message and status) for the channel `config`
   * names, in payload order.
   */
  parse(payload: unknown, config: Config): InboundEvent[];
  send(
    config: Config,
    apiBase: string,
    contactRef: string,
    message: OutboundMessage,
    idempotencyKey: string,
  ): Promise<SendResult>;
  whoAmI(config: Config, apiBase: string): Promise<IdentityCheck>;
  fetchMedia(config: Config, apiBase: string, ref: string, maxBytes: number): Promise<FetchedMedia>;
  /** The window after the customer's last message at `lastCustomerAt` (ms), for a human or an AI reply. */
  window(lastCustomerAt: number | null, now: number, human: boolean): MessagingWindow;
  /**
   * Registers our webhook with the platform when the platform is told by API (Telegram setWebhook
   * with the secret); platforms configured in their own console (Meta) leave it out.
   */
  connect?(config: Config, apiBase: string, webhookUrl: string, webhookToken: string): Promise<IdentityCheck>;
  /** What the platform says about our webhook (Telegram getWebhookInfo), for the channel test. */
  webhookStatus?(config: Config, apiBase: string, webhookUrl: string): Promise<WebhookCheck>;
}

/** The platform's view of our webhook: subscribed to our URL or not, and why. */
export interface WebhookCheck {
  ok: boolean;
  detail: Record<string, string | number | boolean | null>;
}
