// Each channel type's credentials: read by the room's outbox and the consumer (channel-secrets.ts) as
// well as the routes, so kept apart from the routes' schemas, which a cold isolate builds on first use.
import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";

const id = (what: string, example: string) =>
  text().trim().min(1).max(100).openapi({ description: what, example });
const secret = (what: string, example: string) =>
  text()
    .min(8)
    .max(1000)
    .openapi({ description: `${what} (sealed; never returned)`, example });

/** WhatsApp Cloud API: the number, its business account, a system-user token and the app secret. */
export const WhatsAppConfig = z
  .object({
    phoneNumberId: id("The phone number id from the WhatsApp Manager", "106540352242922"),
    businessAccountId: id("The WhatsApp Business Account (WABA) id", "102290129340398"),
    accessToken: secret("A system-user access token", "EAAG...token"),
    appSecret: secret("The Meta app's App Secret (signs webhooks)", "0123456789abcdef0123456789abcdef"),
  })
  .openapi("WhatsAppConfig");

/** Messenger: the Page, a Page access token and the app secret. */
export const MessengerConfig = z
  .object({
    pageId: id("The Facebook Page id", "110987654321098"),
    pageToken: secret("A Page access token", "EAAG...pagetoken"),
    appSecret: secret("The Meta app's App Secret (signs webhooks)", "0123456789abcdef0123456789abcdef"),
  })
  .openapi("MessengerConfig");

/** Instagram Direct: the professional account, its token, the app secret and which login issued the token. */
export const InstagramConfig = z
  .object({
    accountId: id("The Instagram professional account id", "17841400000000000"),
    accessToken: secret(
      "An Instagram user token (Instagram Login) or a Page token (Facebook Login)",
      "IGQV...token",
    ),
    appSecret: secret("The Meta app's App Secret (signs webhooks)", "0123456789abcdef0123456789abcdef"),
    login: z
      .enum(["instagram", "facebook"])
      .openapi({ description: "instagram: graph.instagram.com; facebook: graph.facebook.com" }),
  })
  .openapi("InstagramConfig");

/** Telegram: the bot token from @BotFather. */
export const TelegramConfig = z
  .object({
    botToken: text()
      .regex(/^\d{1,20}:[\w-]{20,200}$/, "a bot token from @BotFather, like 123456:ABC-DEF…")
      .openapi({
        description: "The bot token from @BotFather (sealed; never returned)",
        example: "123456789:AAE-example-bot-token-0123456789",
      }),
  })
  .openapi("TelegramConfig");

export type WhatsAppConfig = z.infer<typeof WhatsAppConfig>;
export type MessengerConfig = z.infer<typeof MessengerConfig>;
export type InstagramConfig = z.infer<typeof InstagramConfig>;
export type TelegramConfig = z.infer<typeof TelegramConfig>;
export type ChannelConfig = WhatsAppConfig | MessengerConfig | InstagramConfig | TelegramConfig;

/** Each type's config schema and the fields that are secrets (never returned). */
export const channelConfigs = {
  whatsapp: { schema: WhatsAppConfig, secrets: ["accessToken", "appSecret"] },
  messenger: { schema: MessengerConfig, secrets: ["pageToken", "appSecret"] },
  instagram: { schema: InstagramConfig, secrets: ["accessToken", "appSecret"] },
  telegram: { schema: TelegramConfig, secrets: ["botToken"] },
} as const;
