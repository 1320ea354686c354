import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { ConfigError, loadConfig } from "../env";
import type { AppEnv } from "./app-env";
import { AppError, errorBody, errorCodeFor } from "./errors";
import { describeError, log } from "./logger";

/**
 * Browsers may call the API from the origins in CORS_ORIGINS. Widget sessions come from tenants' own
 * sites: their route checks the Origin against the widget key instead.
 */
export const corsPolicy: MiddlewareHandler<AppEnv> = cors({
  origin: (origin, c) => {
    if (c.req.path.startsWith("/api/widget/")) return origin;
    const allowed = loadConfig(c.env).corsOrigins;
    return allowed.includes("*") || allowed.includes(origin) ? origin : null;
  },
  allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
  exposeHeaders: ["X-Request-Id", "Retry-After"],
  maxAge: 600,
});

/** A JSON 404 in the error envelope for any path no router answers. */
export function notFoundHandler(c: Context<AppEnv>) {
  const error = new AppError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  return c.json(errorBody(error, c.get("requestId") ?? ""), 404);
}

/** One error model: AppError and Hono's 4xx keep their status; anything else is a logged, generic 500. */
export function errorHandler(err: Error, c: Context<AppEnv>) {
  const requestId = c.get("requestId") ?? "";
  if (err instanceof AppError) return c.json(errorBody(err, requestId), err.status, err.headers);
  // Hono's own 4xx (e.g. a malformed JSON body) keep their status and message.
  if (err instanceof HTTPException && err.status < 500) {
    const error = new AppError(errorCodeFor(err.status), err.message);
    return c.json(errorBody(error, requestId), error.status);
  }
  const message = err instanceof ConfigError ? "Server is misconfigured" : "Internal server error";
  log("error", message, { requestId, path: c.req.path, ...describeError(err) });
  return c.json(errorBody(new AppError("internal", message), requestId), 500);
}
