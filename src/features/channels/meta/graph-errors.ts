import { z } from "zod";
import { text } from "../../../lib/text";
import type { SendFailure } from "../channel-adapter";

/** The part of a Graph API error body (`{ error: { message, type, code, error_subcode, fbtrace_id } }`) we read. */
const graphErrorBody = z.object({
  error: z.object({
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    message: text().optional(),
    is_transient: z.boolean().optional(),
  }),
});

/** A failed Graph call, typed; its message holds codes only, never the platform's text. */
export class GraphError extends Error {
  constructor(
    readonly failure: SendFailure,
    readonly code: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Meta Graph API: ${failure} (${code})`);
    this.name = "GraphError";
  }
}

// WhatsApp: 131047 re-engagement (24 h window passed). Messenger: (#10) with subcode 2018278;
// Instagram answers the same (#10) with 2534022. Code 10 alone is "permission denied", not the window.
const WINDOW_CODES = new Set([131047]);
const WINDOW_SUBCODES = new Set([2018278, 2534022]);
const OUTSIDE_WINDOW = /outside (of )?(the )?allowed window/i;
// WhatsApp 130429 throughput, 131056 pair rate, 131048 spam rate; Graph 4 app, 17 user, 32 page,
// 613 custom, 80007 WhatsApp account rate limits.
const RATE_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131048, 131056]);
// 1 unknown, 2 service unavailable, 131000 something went wrong, 131016 service overloaded: try later.
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016]);
// WhatsApp's pair rate limit is about one message per 6 s to one user.
const PAIR_RATE_MS = 6_000;

/**
 * The typed failure for a Graph error code (also for a WhatsApp status webhook's `errors[].code`):
 * 131047 and (#10) outside the window → WINDOW_CLOSED; throttling and transient outages → RATE_LIMITED
 * (not sent, try again later); 190 → TOKEN_INVALID (the channel needs re-authorising); else UNDELIVERABLE.
 */
export function failureForCode(code: number, subcode?: number): SendFailure {
  if (code === 190) return "TOKEN_INVALID";
  if (WINDOW_CODES.has(code) || (code === 10 && subcode !== undefined && WINDOW_SUBCODES.has(subcode)))
    return "WINDOW_CLOSED";
  if (RATE_CODES.has(code) || TRANSIENT_CODES.has(code)) return "RATE_LIMITED";
  return "UNDELIVERABLE";
}

/**
 * The typed failure of a non-2xx Graph response. `code` is the Graph code (with `.subcode` when
 * given) or `http_<status>` when the body is not a Graph error; a 5xx or 429 without a Graph code
 * is transient (RATE_LIMITED). `retryAfterMs` comes from Retry-After or the usage headers'
 * `estimated_time_to_regain_access` (minutes), or WhatsApp's pair rate.
 */
export function graphFailure(status: number, body: unknown, headers: Headers): GraphError {
  const error = graphErrorBody.safeParse(body).data?.error;
  const retryAfterMs = retryAfter(headers);
  if (!error) {
    const transient = status === 429 || status >= 500;
    return new GraphError(transient ? "RATE_LIMITED" : "UNDELIVERABLE", `http_${status}`, retryAfterMs);
  }
  const { code, error_subcode: subcode } = error;
  let failure = failureForCode(code, subcode);
  // A (#10) without a subcode is recognised by its message (older API versions send none).
  if (code === 10 && subcode === undefined && OUTSIDE_WINDOW.test(error.message ?? ""))
    failure = "WINDOW_CLOSED";
  if (failure === "UNDELIVERABLE" && (error.is_transient === true || status >= 500)) failure = "RATE_LIMITED";
  const label = subcode === undefined ? String(code) : `${code}.${subcode}`;
  const wait =
    failure === "RATE_LIMITED" ? (retryAfterMs ?? (code === 131056 ? PAIR_RATE_MS : undefined)) : undefined;
  return new GraphError(failure, label, wait);
}

/** The wait Meta asked for, in ms, if it said. */
function retryAfter(headers: Headers): number | undefined {
  const seconds = Number(headers.get("retry-after"));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  let minutes = 0;
  for (const name of ["x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"]) {
    minutes = Math.max(minutes, regainMinutes(headers.get(name)));
  }
  return minutes > 0 ? minutes * 60_000 : undefined;
}

/** The largest `estimated_time_to_regain_access` anywhere in a usage header's JSON. */
function regainMinutes(header: string | null): number {
  if (!header) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return 0;
  }
  let most = 0;
  const pending: unknown[] = [parsed];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next !== "object" || next === null) continue;
    for (const [key, value] of Object.entries(next)) {
      if (key === "estimated_time_to_regain_access" && typeof value === "number")
        most = Math.max(most, value);
      else pending.push(value);
    }
  }
  return most;
}
