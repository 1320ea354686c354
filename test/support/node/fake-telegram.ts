import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

// The Telegram Bot API (https://core.telegram.org/bots/api): POST /bot<token>/<method> with a JSON
// body, answers `{ ok: true, result }` or `{ ok: false, error_code, description, parameters }`, and
// files at GET /file/bot<token>/<file_path>. Served under `/telegram`; each bot token has its own
// state, so tests with their own token never see each other's calls.

/** A scripted answer for the next call(s) of `method` ("*": any method) by one bot. */
export interface TelegramScript {
  method: string;
  status: number;
  description?: string;
  retryAfter?: number;
  /** How many calls it answers (default 1). */
  times?: number;
}

export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

interface Bot {
  calls: TelegramCall[];
  script: TelegramScript[];
  webhook: { url: string; secret_token?: string } | null;
  nextMessageId: number;
}

const PATH = /^\/telegram\/bot([^/]+)\/(\w+)$/;
const FILE_PATH = /^\/telegram\/file\/bot([^/]+)\/(.+)$/;

/** Bot API routes plus `POST /_test/telegram/script` and `GET /_test/telegram/calls?token=`. */
export function telegramRoutes(): FakeRoute[] {
  const bots = new Map<string, Bot>();
  const bot = (token: string) => {
    let found = bots.get(token);
    if (!found) {
      found = { calls: [], script: [], webhook: null, nextMessageId: 1 };
      bots.set(token, found);
    }
    return found;
  };
  return [
    { method: "POST", path: "/telegram/*", handle: (req) => answer(req, bot) },
    {
      method: "GET",
      path: "/telegram/*",
      handle: (req) => {
        const match = FILE_PATH.exec(req.url.pathname);
        if (!match) return { status: 404, json: { ok: false, error_code: 404, description: "Not Found" } };
        const size = Number(/size-(\d+)/.exec(match[2] ?? "")?.[1] ?? 0);
        const body = size > 0 ? Buffer.alloc(size, 7) : Buffer.from(`telegram file ${match[2]}`);
        return { status: 200, body, headers: { "content-type": "image/jpeg" } };
      },
    },
    {
      method: "POST",
      path: "/_test/telegram/script",
      handle: (req) => {
        const { token, responses } = JSON.parse(req.body) as { token: string; responses: TelegramScript[] };
        bot(token).script.push(...responses);
        return { status: 200, json: { queued: bot(token).script.length } };
      },
    },
    {
      method: "GET",
      path: "/_test/telegram/calls",
      handle: (req) => ({ status: 200, json: bot(req.url.searchParams.get("token") ?? "").calls }),
    },
  ];
}

function answer(req: FakeRequest, botOf: (token: string) => Bot): FakeResponse {
  const match = PATH.exec(req.url.pathname);
  if (!match) return { status: 404, json: { ok: false, error_code: 404, description: "Not Found" } };
  const [, token = "", method = ""] = match;
  const bot = botOf(token);
  const params = (req.body ? JSON.parse(req.body) : {}) as Record<string, unknown>;
  bot.calls.push({ method, params, at: Date.now() });
  const scripted = bot.script.findIndex((s) => s.method === method || s.method === "*");
  if (scripted >= 0) {
    const script = bot.script[scripted] as TelegramScript;
    if ((script.times ?? 1) <= 1) bot.script.splice(scripted, 1);
    else script.times = (script.times ?? 1) - 1;
    return {
      status: script.status,
      json: {
        ok: false,
        error_code: script.status,
        description: script.description ?? defaultDescription(script),
        ...(script.retryAfter === undefined ? {} : { parameters: { retry_after: script.retryAfter } }),
      },
    };
  }
  const ok = (result: unknown) => ({ status: 200, json: { ok: true, result } });
  const id = Number(token.split(":")[0]);
  switch (method) {
    case "getMe":
      return ok({ id, is_bot: true, first_name: "Support", username: `bot_${id}` });
    case "setWebhook":
      bot.webhook = {
        url: String(params.url),
        ...(params.secret_token ? { secret_token: String(params.secret_token) } : {}),
      };
      return ok(true);
    case "deleteWebhook":
      bot.webhook = null;
      return ok(true);
    case "getWebhookInfo":
      return ok({ url: bot.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0 });
    case "sendMessage":
      return ok({
        message_id: bot.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(params.chat_id) },
        text: params.text,
      });
    case "getFile": {
      const fileId = String(params.file_id);
      const size = Number(/size-(\d+)/.exec(fileId)?.[1] ?? 20);
      return ok({
        file_id: fileId,
        file_unique_id: fileId,
        file_size: size,
        file_path: `photos/${fileId}.jpg`,
      });
    }
    default:
      return {
        status: 400,
        json: { ok: false, error_code: 400, description: `Bad Request: method ${method} not faked` },
      };
  }
}

function defaultDescription(script: TelegramScript): string {
  if (script.status === 429) return `Too Many Requests: retry after ${script.retryAfter ?? 1}`;
  if (script.status === 401) return "Unauthorized";
  if (script.status === 403) return "Forbidden: bot was blocked by the user";
  return "Bad Request";
}
