import { AppError } from "./errors";

// The Workers Rate Limiting binding counts per 60 s window and does not say when it resets.
const RETRY_AFTER_SECONDS = 60;

/** Throws a 429 with Retry-After when `key` is over the limiter's budget. */
export async function enforceRateLimit(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new AppError(
      "rate_limited",
      "Too many requests, try again later",
      { retryAfter: RETRY_AFTER_SECONDS },
      { "Retry-After": String(RETRY_AFTER_SECONDS) },
    );
  }
}

/** The caller's IP as seen by Cloudflare's edge. */
export function clientIp(headers: Headers): string {
  return headers.get("CF-Connecting-IP") ?? "unknown";
}
