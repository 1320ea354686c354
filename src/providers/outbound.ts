import { AppError } from "../lib/errors";
import { isPrivateHost } from "./private-address";

const DEFAULT_MAX_REDIRECTS = 3;
const NULL_BODY = new Set([101, 204, 205, 304]);
// Headers that carry credentials: never sent on to another origin (as browsers do).
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];

export type OutboundFailure = "refused" | "timeout" | "too_large" | "network";

/** A call to a tenant-configured URL that produced no usable response; the message is safe to show. */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundFailure,
    message: string,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

/** What an outbound call may do. */
export interface OutboundPolicy {
  /** Reach loopback/private addresses (ALLOW_PRIVATE_OUTBOUND; local development). */
  allowPrivate: boolean;
  /** Until the final response's headers arrive, redirects included; then also for its body unless `bodyTimeoutMs`. */
  timeoutMs: number;
  /** For reading the body, from when its headers arrived (a streamed answer takes longer than its first byte). */
  bodyTimeoutMs?: number;
  /** The most the response body may weigh. */
  maxBytes: number;
  maxRedirects?: number;
  /** Who is called, for messages ("The AI provider"). */
  service: string;
  /** Redirects must also stay below this URL (an action's base URL). */
  within?: { base: URL; name: string };
}

/** Why `url` may not be called, or null when it may. */
function refusal(url: URL, allowPrivate: boolean): string | null {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be http(s)";
  if (url.username || url.password) return "must not contain credentials";
  if (!allowPrivate && isPrivateHost(url.hostname)) return "points to a private or loopback address";
  return null;
}

/**
 * Checks a tenant-supplied URL before the Worker calls it: http(s) only, no credentials in it, and
 * no loopback/private/link-local address unless `allowPrivate` (local development). Host names are
 * not resolved (Workers have no DNS API); Cloudflare's egress does not reach private networks.
 */
export function assertOutboundUrl(raw: string, allowPrivate: boolean, what = "URL"): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("validation_failed", `${what} is not a valid URL`);
  }
  const problem = refusal(url, allowPrivate);
  if (problem) throw new AppError("validation_failed", `${what} ${problem}`);
  return url;
}

/** Whether `url` stays on the base URL's origin and below its path. */
export function withinBase(url: URL, base: URL): boolean {
  const prefix = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  return url.origin === base.origin && (url.pathname === base.pathname || url.pathname.startsWith(prefix));
}

/**
 * `fetch` for every configured URL (AI providers, embeddings, action APIs): the URL and
 * every redirect hop pass `assertOutboundUrl`'s rules (redirects are followed here, at most
 * `maxRedirects`), credentials are not carried to another origin, and the call is bounded in time
 * and size. Failures are `OutboundError`s; the caller's own abort is rethrown as it came.
 */
export async function outboundFetch(
  input: string | URL | Request,
  init: RequestInit | undefined,
  policy: OutboundPolicy,
): Promise<Response> {
  const source = input instanceof Request ? input : null;
  let url = assertOutboundUrl(source?.url ?? input.toString(), policy.allowPrivate, `${policy.service} URL`);
  let method = (init?.method ?? source?.method ?? "GET").toUpperCase();
  const headers = new Headers(init?.headers ?? source?.headers);
  // Buffered once so that a 307/308 can send it again.
  let body = await replayable(init?.body ?? source?.body, headers);
  const callerSignal = init?.signal ?? undefined;
  const deadline = new AbortController();
  let timer = setTimeout(() => deadline.abort(), policy.timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
  const timedOut = () => new OutboundError("timeout", `No response within ${policy.timeoutMs} ms`);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, { method, headers, body, redirect: "manual", signal });
      const location = response.headers.get("Location");
      if (response.status < 300 || response.status >= 400 || !location) {
        if (policy.bodyTimeoutMs !== undefined) {
          clearTimeout(timer);
          timer = setTimeout(() => deadline.abort(), policy.bodyTimeoutMs);
        }
        return await capped(response, policy, () => clearTimeout(timer), deadline.signal);
      }
      await response.body?.cancel();
      const next = nextHop(url, location, hop, policy);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === "POST")
      ) {
        method = "GET";
        body = undefined;
        headers.delete("Content-Type");
      }
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      url = next;
    }
  } catch (error) {
    clearTimeout(timer);
    if (error instanceof OutboundError || error instanceof AppError) throw error;
    if (callerSignal?.aborted) throw error;
    if (deadline.signal.aborted) throw timedOut();
    throw new OutboundError("network", `${policy.service} could not be reached`);
  }
}

function nextHop(from: URL, location: string, hop: number, policy: OutboundPolicy): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new OutboundError("refused", `${policy.service} redirected to an invalid URL`);
  }
  const problem = refusal(next, policy.allowPrivate);
  if (problem) throw new OutboundError("refused", `Refused a redirect that ${problem} (to ${next.host})`);
  if (policy.within && !withinBase(next, policy.within.base)) {
    throw new OutboundError(
      "refused",
      `Refused a redirect away from ${policy.within.name} (to ${next.host})`,
    );
  }
  if (hop >= (policy.maxRedirects ?? DEFAULT_MAX_REDIRECTS))
    throw new OutboundError("refused", "Too many redirects");
  return next;
}

async function replayable(body: BodyInit | null | undefined, headers: Headers) {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  const wrapped = new Response(body);
  const type = wrapped.headers.get("Content-Type");
  if (type && !headers.has("Content-Type")) headers.set("Content-Type", type);
  return wrapped.arrayBuffer();
}

/** The response with its body limited to `maxBytes` and read under the deadline. */
async function capped(
  response: Response,
  policy: OutboundPolicy,
  done: () => void,
  deadline: AbortSignal,
): Promise<Response> {
  const tooLarge = () =>
    new OutboundError("too_large", `The response is larger than ${policy.maxBytes} bytes`);
  if (Number(response.headers.get("Content-Length") ?? 0) > policy.maxBytes) {
    done();
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body || NULL_BODY.has(response.status)) {
    done();
    return response;
  }
  const reader = response.body.getReader();
  let bytes = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) {
          done();
          controller.close();
          return;
        }
        bytes += next.value.byteLength;
        if (bytes > policy.maxBytes) {
          done();
          await reader.cancel();
          controller.error(tooLarge());
          return;
        }
        controller.enqueue(next.value);
      } catch (error) {
        done();
        controller.error(
          deadline.aborted
            ? new OutboundError(
                "timeout",
                `The response took longer than ${policy.bodyTimeoutMs ?? policy.timeoutMs} ms`,
              )
            : error,
        );
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
  const { status, statusText, headers } = response;
  return new Response(body, { status, statusText, headers });
}
