import { env } from "cloudflare:workers";
import { call, callJson, type TestTenant } from "./api";
import { mustOpen } from "./ws";

// Helpers for channel tests against the fake Telegram Bot API (test/support/node/fake-telegram.ts).

export interface Channel {
  id: string;
  type: string;
  name: string;
  status: string;
  agentId: string | null;
  config: Record<string, unknown>;
  deadLetters: number;
  lastVerifiedInboundAt: string | null;
}

export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

/** A bot token of its own per test (the fake keeps state per token). */
export const botToken = () =>
  `${Math.floor(Math.random() * 1e9)}:AAE-${crypto.randomUUID().replaceAll("-", "")}`;

export async function telegramCalls(token: string, method?: string): Promise<TelegramCall[]> {
  const calls = (await (
    await fetch(`${env.FAKE_SERVICES_URL}/_test/telegram/calls?token=${encodeURIComponent(token)}`)
  ).json()) as TelegramCall[];
  return method ? calls.filter((c) => c.method === method) : calls;
}

/** Makes the fake answer the bot's next calls with errors (429 with retry_after, 401…). */
export async function scriptTelegram(
  token: string,
  responses: { method: string; status: number; retryAfter?: number; times?: number }[],
) {
  await fetch(`${env.FAKE_SERVICES_URL}/_test/telegram/script`, {
    method: "POST",
    body: JSON.stringify({ token, responses }),
  });
}

/** Connects a Telegram bot; returns the channel and the secret token our setWebhook gave Telegram. */
export async function connectTelegram(tenant: TestTenant, extra: Record<string, unknown> = {}) {
  const token = botToken();
  const channel = await callJson<Channel>(
    "/api/channels",
    {
      token: tenant.accessToken,
      json: { type: "telegram", name: "Support bot", config: { botToken: token }, ...extra },
    },
    201,
  );
  const setWebhook = (await telegramCalls(token, "setWebhook")).at(-1);
  return { channel, token, secret: String(setWebhook?.params.secret_token), webhook: setWebhook };
}

let nextUpdateId = Math.floor(Math.random() * 1e6) * 1000;

/** A Telegram Update with a text message from chat `chatId`. */
export function textUpdate(chatId: number, text: string, updateId = nextUpdateId++) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId % 100000,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Ada", last_name: "Lovelace" },
      from: { id: chatId, is_bot: false, first_name: "Ada" },
      text,
    },
  };
}

/** Posts an update to the channel's webhook as Telegram does (with the secret header). */
export function deliver(channelId: string, secret: string | null, update: unknown) {
  return call(`/webhooks/telegram/${channelId}`, {
    body: JSON.stringify(update),
    headers: {
      "Content-Type": "application/json",
      ...(secret === null ? {} : { "X-Telegram-Bot-Api-Secret-Token": secret }),
    },
  });
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface ConversationItem {
  id: string;
  channel: string;
  channelId: string | null;
  status: string;
}

/** The tenant's conversations on a channel. */
export async function channelConversations(tenant: TestTenant, channelId: string, type = "telegram") {
  const page = await callJson<{ data: ConversationItem[] }>(
    `/api/conversations?channel=${type}&limit=100`,
    { token: tenant.accessToken },
    200,
  );
  return page.data.filter((c) => c.channelId === channelId);
}

export interface Message {
  id: string;
  seq: number;
  text: string;
  sender: { kind: string; id: string };
  metadata: Record<string, unknown>;
  delivery?: { state: string; code?: string };
}

export async function messagesOf(tenant: TestTenant, conversationId: string) {
  return (
    await callJson<{ data: Message[] }>(
      `/api/conversations/${conversationId}/messages?limit=100`,
      { token: tenant.accessToken },
      200,
    )
  ).data;
}

/** The tenant's live inbox socket (snapshot first, then events). */
export async function openInbox(token: string) {
  const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
  return mustOpen(url);
}
