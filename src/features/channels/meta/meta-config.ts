/**
 * The decrypted configuration of each Meta channel (the lead aligns these with the channels' zod
 * schemas) and the Graph API hosts. Every Graph call goes to `{apiBase}/{GRAPH_VERSION}/…`; the
 * machinery passes the production host below, tests a local fake.
 */

/** The Graph API version every call names (Meta retires a version about two years after release). */
export const GRAPH_VERSION = "v25.0";

/** Production Graph hosts; Instagram's "Instagram Login" flavour has its own. */
export const GRAPH_HOSTS = {
  facebook: "https://graph.facebook.com",
  instagram: "https://graph.instagram.com",
} as const;

export interface WhatsAppConfig {
  /** The business phone number's id (`metadata.phone_number_id` in webhooks), not the number itself. */
  phoneNumberId: string;
  /** The WhatsApp Business Account id (`entry[].id` in webhooks). */
  businessAccountId: string;
  /** A system-user token with whatsapp_business_messaging (and _management for the health check). */
  accessToken: string;
  /** The Meta app's secret: the key of X-Hub-Signature-256. */
  appSecret: string;
}

export interface MessengerConfig {
  /** The Facebook Page id (`entry[].id`, the sender of our messages). */
  pageId: string;
  /** A Page access token with pages_messaging. */
  pageToken: string;
  appSecret: string;
}

/** Which login the Instagram account was connected with: it decides the Graph host and token kind. */
export type InstagramLogin = "facebook" | "instagram";

export interface InstagramConfig {
  /** The Instagram professional account id (`entry[].id`). */
  accountId: string;
  /** A Page token (Facebook Login) or an Instagram user token (Instagram Login). */
  accessToken: string;
  appSecret: string;
  login: InstagramLogin;
}

/** What every Meta platform needs from its host: the outbound policy (tests reach a fake on loopback). */
export interface MetaDeps {
  /** ALLOW_PRIVATE_OUTBOUND: lets calls reach loopback (local development and tests only). */
  allowPrivate: boolean;
  /** Per Graph call, until the response is read (default 10 s). */
  timeoutMs?: number;
}

/**
 * The Graph base URL for an Instagram channel: `bases.instagram` for Instagram Login, else
 * `bases.facebook` (defaults: the production hosts).
 */
export function instagramApiBase(
  config: Pick<InstagramConfig, "login">,
  bases: { facebook: string; instagram: string } = GRAPH_HOSTS,
): string {
  return config.login === "instagram" ? bases.instagram : bases.facebook;
}
