import { AppError } from "../../lib/errors";
import { assertOutboundUrl, OutboundError, outboundFetch, withinBase } from "../../providers/outbound";

/** The most a downstream response may weigh; larger ones fail the step. */
export const MAX_RESPONSE_BYTES = 256 * 1024;
/** How much of a request or response body is kept in the plan's audit record. */
export const RECORDED_CHARS = 4000;
const REDACTED = "[redacted]";

export interface DownstreamCall {
  baseUrl: string;
  method: string;
  /** Path below the base URL, already filled in (e.g. `/orders/1234/refund`). */
  path: string;
  query: Record<string, string>;
  body?: unknown;
  /** `Bearer …` sent as Authorization; never recorded. */
  authorization: string | null;
  authorizationSource: "caller" | "stored" | "none";
  timeoutMs: number;
  allowPrivate: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface DownstreamResult {
  request: RecordedRequest;
  status: number;
  ok: boolean;
  /** Parsed JSON (or the text) of the whole response, for later steps. */
  data: unknown;
  recorded: { status: number; contentType: string | null; body: string; truncated: boolean; bytes: number };
}

/** Builds the request URL and refuses anything that would leave the registered base URL. */
export function downstreamUrl(
  call: Pick<DownstreamCall, "baseUrl" | "path" | "query" | "allowPrivate">,
): URL {
  const base = assertOutboundUrl(call.baseUrl, call.allowPrivate, "Action base URL");
  if (!call.path.startsWith("/") || call.path.startsWith("//")) {
    throw new AppError("validation_failed", "An operation path must start with a single /");
  }
  const url = new URL(`${base.pathname.replace(/\/$/, "")}${call.path}`, base.origin);
  for (const [key, value] of Object.entries(call.query)) url.searchParams.set(key, value);
  if (!withinBase(url, base))
    throw new OutboundError("refused", "The request would leave the action's base URL");
  return url;
}

/** Removes a secret from text that is about to be stored or shown. */
export function scrub(text: string, secret: string | null): string {
  if (!secret) return text;
  const token = secret.replace(/^Bearer\s+/i, "");
  return token.length >= 4 ? text.split(token).join(REDACTED) : text;
}

/**
 * Calls a tenant's API through the outbound rules (src/providers/outbound.ts): only below its base URL
 * (redirects are followed only while they stay there), with a timeout and a response-size cap.
 * The Authorization value is never recorded. Failures are `OutboundError`s.
 */
export async function callDownstream(call: DownstreamCall): Promise<DownstreamResult> {
  const base = assertOutboundUrl(call.baseUrl, call.allowPrivate, "Action base URL");
  const url = downstreamUrl(call);
  const method = call.method.toUpperCase();
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const request: RecordedRequest = {
    method,
    url: scrub(url.toString(), call.authorization),
    headers: {
      ...headers,
      ...(call.authorization ? { Authorization: `Bearer ${REDACTED} (${call.authorizationSource})` } : {}),
    },
    ...(body === undefined ? {} : { body: scrub(body.slice(0, RECORDED_CHARS), call.authorization) }),
  };
  const service = "The action's API";
  try {
    const response = await outboundFetch(
      url,
      {
        method,
        body,
        headers: call.authorization ? { ...headers, Authorization: call.authorization } : headers,
      },
      {
        allowPrivate: call.allowPrivate,
        timeoutMs: call.timeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
        service,
        within: { base, name: "the action's base URL" },
      },
    );
    return { request, ...(await read(response, call.authorization)) };
  } catch (error) {
    if (error instanceof OutboundError || error instanceof AppError) throw error;
    throw new OutboundError("network", `${service} could not be reached`);
  }
}

async function read(response: Response, secret: string | null) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = scrub(new TextDecoder().decode(bytes), secret);
  const contentType = response.headers.get("Content-Type");
  return {
    status: response.status,
    ok: response.ok,
    data: parseBody(text),
    recorded: {
      status: response.status,
      contentType,
      body: text.slice(0, RECORDED_CHARS),
      truncated: text.length > RECORDED_CHARS,
      bytes: bytes.byteLength,
    },
  };
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
