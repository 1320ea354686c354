import { z } from "@hono/zod-openapi";
import { channelStatuses } from "../../db/schema";
import { text } from "../../lib/text";
import { channelTypes } from "./channel-adapter";
import { InstagramConfig, MessengerConfig, TelegramConfig, WhatsAppConfig } from "./channel-configs";

export * from "./channel-configs";

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
