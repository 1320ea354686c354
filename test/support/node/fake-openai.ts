import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

/** What the fake model does for one request; tests queue these per model name. */
export type Scripted =
  | { type: "text"; chunks: string[]; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { type: "tool_call"; name: string; arguments: string; text?: string }
  /** Several tool calls in one reply (a plan); streamed interleaved, arguments in two pieces each. */
  | { type: "tool_calls"; calls: { name: string; arguments: string }[]; text?: string }
  | { type: "error"; status: number; message: string; code?: string }
  /** Streams `chunks[0..pauseAfter)`, then waits for POST /_test/openai/release before the rest. */
  | { type: "gate"; chunks: string[]; pauseAfter: number }
  /** Answers only after `delayMs` (for client timeouts). */
  | { type: "slow"; delayMs: number; chunks: string[] };

interface Recorded {
  authorization: string | undefined;
  body: Record<string, unknown>;
}

const openAiError = (status: number, message: string, code: string | null = null): FakeResponse => ({
  status,
  json: {
    error: {
      message,
      type: status === 429 ? "rate_limit_exceeded" : "invalid_request_error",
      param: null,
      code,
    },
  },
});

/**
 * An OpenAI-compatible chat completions server (`/openai/v1/...`): real HTTP, real SSE chunks in
 * OpenAI's format, with scripts and request recording for tests under `/_test/openai/...`.
 */
export function openAiRoutes(): FakeRoute[] {
  const scripts = new Map<string, Scripted[]>();
  const requests = new Map<string, Recorded[]>();
  const gates = new Map<string, () => void>();

  return [
    {
      method: "POST",
      path: "/openai/v1/chat/completions",
      handle: async (req) => {
        if (!/^Bearer \S+/.test(req.headers.authorization ?? ""))
          return openAiError(401, "Incorrect API key provided", "invalid_api_key");
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(req.body) as Record<string, unknown>;
        } catch {
          return openAiError(400, "We could not parse the JSON body of your request.");
        }
        const model = String(body.model ?? "");
        requests.set(model, [
          ...(requests.get(model) ?? []),
          { authorization: req.headers.authorization, body },
        ]);
        const script = scripts.get(model)?.shift() ?? { type: "text", chunks: ["(unscripted reply)"] };
        if (script.type === "error") return openAiError(script.status, script.message, script.code ?? null);
        if (script.type === "slow") await new Promise((resolve) => setTimeout(resolve, script.delayMs));
        const stream = body.stream === true;
        const gate =
          script.type === "gate"
            ? new Promise<void>((resolve) => gates.set(model, resolve))
            : Promise.resolve();
        return stream
          ? { status: 200, raw: (res) => writeStream(res, model, script, gate) }
          : { status: 200, json: completion(model, script) };
      },
    },
    {
      method: "GET",
      path: "/openai/v1/models",
      handle: () => ({
        status: 200,
        json: { object: "list", data: [{ id: "fake-model", object: "model", created: 0, owned_by: "fake" }] },
      }),
    },
    {
      method: "POST",
      path: "/_test/openai/script",
      handle: (req: FakeRequest) => {
        const { model, responses } = JSON.parse(req.body) as { model: string; responses: Scripted[] };
        scripts.set(model, [...(scripts.get(model) ?? []), ...responses]);
        return { status: 200, json: { queued: scripts.get(model)?.length ?? 0 } };
      },
    },
    {
      method: "GET",
      path: "/_test/openai/requests",
      handle: (req) => ({ status: 200, json: requests.get(req.url.searchParams.get("model") ?? "") ?? [] }),
    },
    {
      method: "POST",
      path: "/_test/openai/release",
      handle: (req) => {
        const { model } = JSON.parse(req.body) as { model: string };
        gates.get(model)?.();
        gates.delete(model);
        return { status: 200, json: { released: true } };
      },
    },
  ];
}

const textOf = (script: Scripted) =>
  "chunks" in script
    ? script.chunks.join("")
    : script.type === "tool_call" || script.type === "tool_calls"
      ? (script.text ?? "")
      : "";

const callsOf = (script: Scripted) =>
  script.type === "tool_call"
    ? [{ name: script.name, arguments: script.arguments }]
    : script.type === "tool_calls"
      ? script.calls
      : [];

function completion(model: string, script: Scripted) {
  const calls = callsOf(script);
  const toolCalls =
    calls.length > 0
      ? calls.map((call) => ({ id: `call_${randomUUID()}`, type: "function", function: call }))
      : undefined;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: textOf(script) || null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toolCalls ? "tool_calls" : "stop",
      },
    ],
    usage: usageOf(script),
  };
}

function usageOf(script: Scripted) {
  const usage =
    script.type === "text" && script.usage ? script.usage : { prompt_tokens: 50, completion_tokens: 10 };
  return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
}

async function writeStream(
  res: ServerResponse,
  model: string,
  script: Scripted,
  gate: Promise<void>,
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }, null));
  const pieces = "chunks" in script ? script.chunks : textOf(script) ? [textOf(script)] : [];
  for (const [i, piece] of pieces.entries()) {
    if (script.type === "gate" && i === script.pauseAfter) await gate;
    res.write(chunk({ content: piece }, null));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (script.type === "tool_call") {
    res.write(
      chunk(
        {
          tool_calls: [
            {
              index: 0,
              id: `call_${randomUUID()}`,
              type: "function",
              function: { name: script.name, arguments: script.arguments },
            },
          ],
        },
        null,
      ),
    );
  }
  if (script.type === "tool_calls") {
    // Like OpenAI: each call opens with its id and name, then its arguments arrive in pieces.
    for (const [index, call] of script.calls.entries()) {
      const half = Math.floor(call.arguments.length / 2);
      res.write(
        chunk(
          {
            tool_calls: [
              {
                index,
                id: `call_${randomUUID()}`,
                type: "function",
                function: { name: call.name, arguments: call.arguments.slice(0, half) },
              },
            ],
          },
          null,
        ),
      );
      res.write(
        chunk({ tool_calls: [{ index, function: { arguments: call.arguments.slice(half) } }] }, null),
      );
    }
  }
  const usedTools = script.type === "tool_call" || script.type === "tool_calls";
  res.write(chunk({}, usedTools ? "tool_calls" : "stop"));
  res.write(chunk({}, null, usageOf(script)));
  res.end("data: [DONE]\n\n");
}
