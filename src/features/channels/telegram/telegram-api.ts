import { z } from "zod";
import { platformText } from "../../../lib/text";
import { outboundFetch } from "../../../providers/outbound";

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 256 * 1024;

/** Every Bot API answer: `{ ok, result }` or `{ ok: false, error_code, description, parameters }`. */
const Envelope = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: platformText().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

/** A Bot API call's outcome: the result, or the HTTP status and Telegram's error. */
export type BotApiAnswer =
  | { ok: true; result: unknown }
  | { ok: false; status: number; code: string; retryAfterSeconds?: number };

/** A transient failure (5xx, unreadable answer, network): the caller retries with backoff. */
export class TelegramUnavailable extends Error {}

/**
 * Calls one Bot API method. The base URL is the operator's (TELEGRAM_API_BASE), never a tenant's,
 * so it may be a loopback fake in tests; no redirects are followed. The token is in the path, as
 * the Bot API wants, and never logged.
 */
export async function callBotApi(
  apiBase: string,
  botToken: string,
  method: string,
  params: Record<string, unknown>,
): Promise<BotApiAnswer> {
  const response = await outboundFetch(
    `${apiBase}/bot${botToken}/${method}`,
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(params) },
    {
      allowPrivate: true,
      maxRedirects: 0,
      timeoutMs: TIMEOUT_MS,
      maxBytes: MAX_RESPONSE_BYTES,
      service: "Telegram",
    },
  );
  const parsed = Envelope.safeParse(await response.json().catch(() => null));
  if (response.status >= 500 || !parsed.success)
    throw new TelegramUnavailable(`Telegram ${method} answered ${response.status}`);
  if (parsed.data.ok && response.ok) return { ok: true, result: parsed.data.result };
  return {
    ok: false,
    status: response.status,
    code: String(parsed.data.error_code ?? response.status),
    ...(parsed.data.parameters?.retry_after === undefined
      ? {}
      : { retryAfterSeconds: parsed.data.parameters.retry_after }),
  };
}

/** Downloads a file by its `file_path` (from getFile), at most `maxBytes`. */
export async function downloadFile(apiBase: string, botToken: string, filePath: string, maxBytes: number) {
  const response = await outboundFetch(`${apiBase}/file/bot${botToken}/${filePath}`, undefined, {
    allowPrivate: true,
    maxRedirects: 0,
    timeoutMs: TIMEOUT_MS * 3,
    maxBytes,
    service: "Telegram",
  });
  if (!response.ok) throw new TelegramUnavailable(`Telegram file download answered ${response.status}`);
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    mimeType: response.headers.get("Content-Type") ?? "application/octet-stream",
  };
}
