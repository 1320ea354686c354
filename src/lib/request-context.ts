import { createMiddleware } from "hono/factory";
import { openDatabase } from "../db/client";
import { loadConfig } from "../env";
import type { AppEnv } from "./app-env";
import { describeError, log } from "./logger";

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Request id (an incoming X-Request-Id is honoured when sane) and one log line per request. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const incoming = c.req.header("X-Request-Id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  // Set before the response exists, every c.json/c.body carries it; a header set on a finished
  // response makes Hono copy the whole Response. Only a response built by hand needs it after.
  c.header("X-Request-Id", requestId);
  await next();
  if (!c.res.headers.has("X-Request-Id")) c.header("X-Request-Id", requestId);
  log("info", "request", {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    tenantId: c.get("principal")?.tenantId ?? null,
    requestId,
  });
});

/**
 * Validated config and a per-request database handle. Work started with `background()` may use the
 * handle after the response; the handle is closed once that work has settled.
 */
export const requestServices = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  c.set("config", config);
  const { db, close } = openDatabase(config);
  c.set("db", db);
  const pending: Promise<unknown>[] = [];
  c.set("background", (task, what) => {
    pending.push(
      task.catch((error: unknown) =>
        log("error", `${what} failed`, { requestId: c.var.requestId, ...describeError(error) }),
      ),
    );
  });
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(Promise.allSettled(pending).then(close));
  }
});
