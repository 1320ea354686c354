import { z } from "zod";
import { constantTimeEqual } from "../../../lib/crypto";
import { platformText } from "../../../lib/text";
import { OutboundError } from "../../../providers/outbound";
import type { ChannelPlatform, SendResult, WebhookCheck } from "../channel-adapter";
import type { TelegramConfig } from "../channels.schemas";
import { type BotApiAnswer, callBotApi, downloadFile } from "./telegram-api";
import { parseUpdate } from "./telegram-parse";

export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
// sendMessage takes at most 4096 characters: longer replies go out as consecutive messages.
const MAX_TEXT = 4096;
const encoder = new TextEncoder();

/** Telegram's answer as a send failure: 429 waits `retry_after`, 401/404 is a dead token. */
function failure(answer: Extract<BotApiAnswer, { ok: false }>): Extract<SendResult, { ok: false }> {
  if (answer.status === 429)
    return {
      ok: false,
      failure: "RATE_LIMITED",
      code: "429",
      retryAfterMs: (answer.retryAfterSeconds ?? 1) * 1000,
    };
  // 401 Unauthorized: the token was revoked; 404 on every method: the token names no bot.
  if (answer.status === 401 || answer.status === 404)
    return { ok: false, failure: "TOKEN_INVALID", code: answer.code };
  // 403 is "bot was blocked by the user" / "kicked from the group": this chat only, the token is fine.
  return { ok: false, failure: "UNDELIVERABLE", code: answer.code };
}

const SentMessage = z.object({ message_id: z.number() });
const FileInfo = z.object({ file_path: platformText(), file_size: z.number().optional() });
const Me = z.object({ username: platformText().optional(), first_name: platformText() });
const WebhookInfo = z.object({
  url: platformText(),
  pending_update_count: z.number(),
  last_error_date: z.number().optional(),
  last_error_message: platformText().optional(),
});

/** The Telegram Bot API platform: webhooks with a secret token, sendMessage, getFile, getMe. */
export const telegramPlatform: ChannelPlatform<TelegramConfig> = {
  type: "telegram",
  async verify(_raw, headers, _config, webhookToken) {
    const given = headers.get(SECRET_HEADER);
    return given !== null && constantTimeEqual(encoder.encode(given), encoder.encode(webhookToken));
  },
  parse: parseUpdate,
  async send(config, apiBase, contactRef, message) {
    if (message.kind !== "text")
      return { ok: false, failure: "UNDELIVERABLE", code: "templates_unsupported" };
    let last: SendResult = { ok: false, failure: "UNDELIVERABLE", code: "empty" };
    for (let at = 0; at < message.text.length; at += MAX_TEXT) {
      const answer = await callBotApi(apiBase, config.botToken, "sendMessage", {
        chat_id: contactRef,
        text: message.text.slice(at, at + MAX_TEXT),
      });
      if (!answer.ok) return failure(answer);
      last = { ok: true, platformMessageId: String(SentMessage.parse(answer.result).message_id) };
    }
    return last;
  },
  async whoAmI(config, apiBase) {
    const answer = await callBotApi(apiBase, config.botToken, "getMe", {});
    if (!answer.ok) return failure(answer);
    const me = Me.parse(answer.result);
    return { ok: true, name: me.username ? `@${me.username}` : me.first_name };
  },
  async fetchMedia(config, apiBase, ref, maxBytes) {
    const answer = await callBotApi(apiBase, config.botToken, "getFile", { file_id: ref });
    if (!answer.ok) throw new Error(`Telegram getFile failed with ${answer.code}`);
    const file = FileInfo.parse(answer.result);
    if ((file.file_size ?? 0) > maxBytes)
      throw new OutboundError("too_large", `The file is larger than ${maxBytes} bytes`);
    return downloadFile(apiBase, config.botToken, file.file_path, maxBytes);
  },
  window: () => ({ expiresAt: null, templateRequired: false }),
  async connect(config, apiBase, webhookUrl, webhookToken) {
    const answer = await callBotApi(apiBase, config.botToken, "setWebhook", {
      url: webhookUrl,
      secret_token: webhookToken,
      allowed_updates: ["message", "edited_message", "callback_query"],
    });
    if (!answer.ok) return failure(answer);
    return telegramPlatform.whoAmI(config, apiBase);
  },
  async webhookStatus(config, apiBase, webhookUrl): Promise<WebhookCheck> {
    const answer = await callBotApi(apiBase, config.botToken, "getWebhookInfo", {});
    if (!answer.ok) return { ok: false, detail: { error: answer.code } };
    const info = WebhookInfo.parse(answer.result);
    return {
      ok: info.url === webhookUrl && !info.last_error_message,
      detail: {
        url: info.url,
        urlMatches: info.url === webhookUrl,
        pendingUpdateCount: info.pending_update_count,
        lastErrorMessage: info.last_error_message ?? null,
        lastErrorAt: info.last_error_date ? new Date(info.last_error_date * 1000).toISOString() : null,
      },
    };
  },
};
