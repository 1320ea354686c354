import { AppError } from "../../lib/errors";
import { assertOutboundUrl } from "../../lib/outbound";

/** The most a downstream response may weigh; larger ones fail the step. */
export const MAX_RESPONSE_BYTES = 256 * 1024;
/** How much of a request or response body is kept in the plan's audit record. */
export const RECORDED_CHARS = 4000;
const MAX_REDIRECTS = 3;
const REDACTED = "[redacted]";

export type DownstreamFailure = "refused" | "timeout" | "too_large" | "network";

/** A downstream call that did not produce a usable response (the step fails with this message). */
export class DownstreamError extends Error {
  constructor(
    readonly kind: DownstreamFailure,
    message: string,
  ) {
    super(message);
  }
}

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

/** Whether `url` stays on the base URL's origin and below its path. */
export function withinBase(url: URL, base: URL): boolean {
  const prefix = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  return url.origin === base.origin && (url.pathname === base.pathname || url.pathname.startsWith(prefix));
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
    throw new DownstreamError("refused", "The request would leave the action's base URL");
  return url;
}

/** Removes a secret from text that is about to be stored or shown. */
export function scrub(text: string, secret: string | null): string {
  if (!secret) return text;
  const token = secret.replace(/^Bearer\s+/i, "");
  return token.length >= 4 ? text.split(token).join(REDACTED) : text;
}

/**
 * Calls a tenant's API: only below its base URL (redirects are followed only while they stay
 * there), with a timeout and a response-size cap. The Authorization value is never recorded.
 */
export async function callDownstream(call: DownstreamCall): Promise<DownstreamResult> {
  const base = assertOutboundUrl(call.baseUrl, call.allowPrivate, "Action base URL");
  let url = downstreamUrl(call);
  let method = call.method.toUpperCase();
  let body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const signal = AbortSignal.timeout(call.timeoutMs);
  const record = (): RecordedRequest => ({
    method,
    url: scrub(url.toString(), call.authorization),
    headers: {
      ...headers,
      ...(call.authorization ? { Authorization: `Bearer ${REDACTED} (${call.authorizationSource})` } : {}),
    },
    ...(body === undefined ? {} : { body: scrub(body.slice(0, RECORDED_CHARS), call.authorization) }),
  });
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, {
        method,
        headers: call.authorization ? { ...headers, Authorization: call.authorization } : headers,
        body,
        redirect: "manual",
        signal,
      });
      const location = response.headers.get("Location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        if (!withinBase(next, base)) {
          throw new DownstreamError(
            "refused",
            `Refused a redirect away from the action's base URL (to ${next.host})`,
          );
        }
        if (hop >= MAX_REDIRECTS) throw new DownstreamError("refused", "Too many redirects");
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
          delete headers["Content-Type"];
        }
        url = next;
        continue;
      }
      return { request: record(), ...(await readCapped(response, call.authorization)) };
    }
  } catch (error) {
    if (error instanceof DownstreamError || error instanceof AppError) throw error;
    if (signal.aborted) throw new DownstreamError("timeout", `No response within ${call.timeoutMs} ms`);
    throw new DownstreamError("network", "The action's API could not be reached");
  }
}

async function readCapped(response: Response, secret: string | null) {
  const declared = Number(response.headers.get("Content-Length") ?? 0);
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new DownstreamError("too_large", `The response is larger than ${MAX_RESPONSE_BYTES} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    bytes += next.value.byteLength;
    if (bytes > MAX_RESPONSE_BYTES) {
      await reader?.cancel();
      throw new DownstreamError("too_large", `The response is larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(next.value);
  }
  const all = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const text = scrub(new TextDecoder().decode(all), secret);
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
      bytes,
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
