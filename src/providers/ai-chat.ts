import type OpenAIClient from "openai";
import type { ModelSettings } from "../db/schema";
import { AppError, type ErrorCode } from "../lib/errors";
import { assertOutboundUrl, OutboundError, outboundFetch } from "./outbound";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ProviderCall {
  model: ModelSettings;
  apiKey: string;
  allowPrivate: boolean;
  timeoutMs: number;
}

export interface ToolCall {
  name: string;
  arguments: string;
}

export interface ProviderResult {
  text: string;
  /** The first tool call (handoff); `toolCalls` has them all, in the model's order. */
  toolCall: ToolCall | null;
  toolCalls: ToolCall[];
  usage: { promptTokens: number; completionTokens: number };
}

/** A function the model may call (OpenAI's tool format). */
export interface ToolDefinition {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** `rejected`, `rate_limited`, `unavailable`: it answered with an error; `unreachable`: no answer at all. */
export type ProviderFailure = "rate_limited" | "timeout" | "unavailable" | "unreachable" | "rejected";

/** A provider call that failed in a way the visitor should hear about (never with provider details). */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderFailure,
    message: string,
  ) {
    super(message);
  }
}

// A streamed answer may take much longer than its first byte, but not forever, and not without bound.
const STREAM_TIMEOUT_MS = 5 * 60_000;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const DEFAULT_BASE_URL: Record<ModelSettings["provider"], string | null> = {
  openai: "https://api.openai.com/v1",
  openrouter: "https://openrouter.ai/api/v1",
  custom: null,
};

/** The tool a model can call to hand the conversation to a person. */
export const HANDOFF_TOOL = {
  type: "function" as const,
  function: {
    name: "handoff",
    description:
      "Hand the conversation to a human colleague when the visitor asks for a person or you cannot help.",
    parameters: { type: "object", properties: { reason: { type: "string" } }, required: ["reason"] },
  },
};

/** Base URL for the model settings, checked against SSRF rules. */
export function providerBaseUrl(model: ModelSettings, allowPrivate: boolean): string {
  const base = model.baseUrl ?? DEFAULT_BASE_URL[model.provider];
  if (!base) throw new ProviderError("rejected", "A custom provider needs a base URL");
  return assertOutboundUrl(base, allowPrivate, "Provider base URL").toString().replace(/\/$/, "");
}

/** Streams one chat completion from an OpenAI-compatible API, reporting text deltas as they come. */
export async function streamChat(
  call: ProviderCall,
  messages: ChatMessage[],
  options: {
    tools?: ToolDefinition[];
    signal?: AbortSignal;
    onDelta?: (text: string) => void;
    /** Structured output: the answer must be JSON matching this schema (OpenAI `json_schema`). */
    jsonSchema?: { name: string; schema: Record<string, unknown> };
  },
): Promise<ProviderResult> {
  // Loaded on the first call: the SDK is ~1 MB that a cold isolate would otherwise evaluate at start.
  const { default: OpenAI } = await import("openai");
  const client = new OpenAI({
    apiKey: call.apiKey,
    baseURL: providerBaseUrl(call.model, call.allowPrivate),
    maxRetries: 0,
    timeout: call.timeoutMs,
    // The SDK's own fetch follows redirects anywhere; this one re-checks every hop.
    fetch: (input, init) =>
      outboundFetch(input, init, {
        allowPrivate: call.allowPrivate,
        timeoutMs: call.timeoutMs,
        bodyTimeoutMs: STREAM_TIMEOUT_MS,
        maxBytes: MAX_RESPONSE_BYTES,
        service: "The AI provider",
      }),
  });
  let text = "";
  const toolCalls: ToolCall[] = [];
  let usage = { promptTokens: 0, completionTokens: 0 };
  try {
    const stream = await client.chat.completions.create(
      {
        model: call.model.model,
        messages,
        temperature: call.model.temperature,
        max_tokens: call.model.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
        ...(options.tools?.length ? { tools: options.tools } : {}),
        ...(options.jsonSchema
          ? { response_format: { type: "json_schema", json_schema: { ...options.jsonSchema, strict: true } } }
          : {}),
      },
      { signal: options.signal },
    );
    for await (const chunk of stream) {
      if (chunk.usage)
        usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) {
        text += delta.content;
        options.onDelta?.(delta.content);
      }
      // Several calls stream interleaved, each piece tagged with its call's index.
      for (const tool of delta?.tool_calls ?? []) {
        const call = toolCalls[tool.index] ?? { name: "", arguments: "" };
        call.name += tool.function?.name ?? "";
        call.arguments += tool.function?.arguments ?? "";
        toolCalls[tool.index] = call;
      }
    }
  } catch (error) {
    throw toProviderError(OpenAI, error, options.signal);
  }
  const calls = toolCalls.filter((call) => call?.name);
  return { text, toolCall: calls[0] ?? null, toolCalls: calls, usage };
}

function toProviderError(OpenAI: typeof OpenAIClient, error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) return error instanceof Error ? error : new Error(String(error));
  if (error instanceof ProviderError || error instanceof AppError) return error;
  // The SDK wraps what our fetch threw as the cause of a connection error.
  const cause = error instanceof OpenAI.APIConnectionError ? error.cause : error;
  if (cause instanceof AppError) return cause;
  if (cause instanceof OutboundError) {
    if (cause.kind === "timeout")
      return new ProviderError("timeout", `The AI provider timed out (${cause.message})`);
    if (cause.kind === "network")
      return new ProviderError("unreachable", "The AI provider could not be reached");
    return new ProviderError("unavailable", `The AI provider's answer was refused: ${cause.message}`);
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new ProviderError("timeout", "The AI provider timed out");
  if (error instanceof OpenAI.APIConnectionError)
    return new ProviderError("unreachable", "The AI provider could not be reached");
  if (error instanceof OpenAI.APIError) {
    if (error.status === 429)
      return new ProviderError("rate_limited", "The AI provider is rate limiting us (429)");
    if (error.status === 401 || error.status === 403 || error.status === 400 || error.status === 404) {
      return new ProviderError("rejected", `The AI provider refused the request (${error.status})`);
    }
    return new ProviderError("unavailable", `The AI provider failed (${error.status ?? "no status"})`);
  }
  return new ProviderError("unavailable", "The AI provider sent an answer that could not be read");
}

const FAILURE_CODE: Record<ProviderFailure, ErrorCode> = {
  rejected: "bad_gateway",
  rate_limited: "bad_gateway",
  unavailable: "bad_gateway",
  unreachable: "service_unavailable",
  timeout: "gateway_timeout",
};

/** A provider failure as the API answers it: 502 it answered with an error, 503 unreachable, 504 timed out. */
export function providerFailure(error: unknown): unknown {
  return error instanceof ProviderError ? new AppError(FAILURE_CODE[error.kind], error.message) : error;
}
