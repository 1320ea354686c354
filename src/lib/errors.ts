import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The closed set of error codes the API returns, each with its HTTP status. */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  upgrade_required: 426,
  rate_limited: 429,
  internal: 500,
  bad_gateway: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

/** An error that is safe to show to the client, mapped to its HTTP status by code. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

/** The JSON body of every error response. */
export function errorBody(error: AppError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

/** The error code for an HTTP status (the first declared, e.g. 400 → bad_request). */
export function errorCodeFor(status: number): ErrorCode {
  const codes = Object.keys(errorStatus) as ErrorCode[];
  return codes.find((code) => errorStatus[code] === status) ?? "bad_request";
}

/** An error answer from inside a Durable Object (outside Hono), in the same envelope. */
export const refusal = (status: number, code: ErrorCode, message: string) =>
  Response.json({ error: { code, message } }, { status });
