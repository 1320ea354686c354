import { z } from "@hono/zod-openapi";
import { channelStatuses } from "../../db/schema";
import { text } from "../../lib/text";
import { channelTypes } from "./channel-adapter";

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

const name = text().trim().min(1).max(120).openapi({ example: "Support bot" });
const agentId = z
  .uuid()
  .nullable()
  .optional()
  .openapi({ description: "The agent that answers (null: staff only)" });

export const CreateChannelBody = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("whatsapp"), name, agentId, config: WhatsAppConfig }),
    z.object({ type: z.literal("messenger"), name, agentId, config: MessengerConfig }),
    z.object({ type: z.literal("instagram"), name, agentId, config: InstagramConfig }),
    z.object({ type: z.literal("telegram"), name, agentId, config: TelegramConfig }),
  ])
  .openapi("CreateChannel", {
    example: {
      type: "telegram",
      name: "Support bot",
      config: { botToken: "123456789:AAE-example-bot-token-0123456789" },
    },
  });

export const UpdateChannelBody = z
  .object({
    name: name.optional(),
    agentId,
    status: z
      .enum(["active", "disabled"])
      .optional()
      .openapi({ description: "Disable or re-enable the channel" }),
    config: z
      .record(text(), z.unknown())
      .optional()
      .openapi({ description: "The whole new config for the channel's type (replaces the old one)" }),
  })
  .openapi("UpdateChannel", { example: { name: "Night shift bot", status: "active" } });

export const ChannelSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    type: z.enum(channelTypes),
    name: text(),
    agentId: z.uuid().nullable(),
    status: z.enum(channelStatuses),
    config: z
      .record(text(), z.unknown())
      .openapi({ description: "The non-secret fields and `configured: true`; secrets are never returned" }),
    lastVerifiedInboundAt: z.iso.datetime().nullable(),
    lastErrorCode: text().nullable(),
    lastErrorAt: z.iso.datetime().nullable(),
    deadLetters: z.number().int().openapi({ description: "Deliveries the consumer gave up on" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Channel", {
    example: {
      id: "0193a5c0-0000-7000-8000-000000000001",
      tenantId: "0193a5c0-0000-7000-8000-000000000002",
      type: "telegram",
      name: "Support bot",
      agentId: null,
      status: "active",
      config: { configured: true },
      lastVerifiedInboundAt: null,
      lastErrorCode: null,
      lastErrorAt: null,
      deadLetters: 0,
      createdAt: "2026-12-01T10:00:00.000Z",
      updatedAt: "2026-12-01T10:00:00.000Z",
    },
  });

export const WebhookSchema = z
  .object({
    url: text().openapi({ description: "The callback URL to give the platform" }),
    verifyToken: text().nullable().openapi({
      description:
        "Meta: the verify token to paste in the app's webhook settings; Telegram: null (set by setWebhook)",
    }),
  })
  .openapi("ChannelWebhook", {
    example: {
      url: "https://api.example.com/webhooks/meta/0193a5c0-0000-7000-8000-000000000001",
      verifyToken: "k3j4…",
    },
  });

export const CheckSchema = z
  .object({
    name: z.enum(["token", "webhook", "inbound"]),
    ok: z.boolean(),
    detail: z.record(text(), z.unknown()),
  })
  .openapi("ChannelCheck");

export const TestResultSchema = z
  .object({ ok: z.boolean(), status: z.enum(channelStatuses), checks: z.array(CheckSchema) })
  .openapi("ChannelTestResult", {
    example: {
      ok: true,
      status: "active",
      checks: [
        { name: "token", ok: true, detail: { name: "@support_bot" } },
        {
          name: "webhook",
          ok: true,
          detail: { url: "https://…", pendingUpdateCount: 0, lastErrorMessage: null },
        },
        { name: "inbound", ok: true, detail: { lastVerifiedInboundAt: "2026-12-01T10:00:00.000Z" } },
      ],
    },
  });

export const DeleteChannelQuery = z.object({
  force: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Delete even while conversations are open (they stay, without the channel)" }),
});
