import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";
import { enforceRateLimit } from "./rate-limit";

/** 413 when a file is larger than `max` bytes. */
export function assertUploadSize(bytes: number, max: number): void {
  if (bytes > max) {
    throw new AppError("payload_too_large", `The file is ${bytes} bytes; the limit is ${max} bytes`, {
      sizeBytes: bytes,
      limitBytes: max,
    });
  }
}

/**
 * Runs before a multipart upload's body is parsed: a too-large upload is refused without reading it,
 * and the upload budget (per principal) is spent only by authenticated callers.
 */
export const uploadGate = createMiddleware<AppEnv>(async (c, next) => {
  const { principal, config } = c.var;
  await enforceRateLimit(c.env.UPLOAD_RATE_LIMITER, `upload:${principal.kind}:${principal.id}`);
  const declared = Number(c.req.header("Content-Length") ?? Number.NaN);
  // The multipart envelope around the file is allowed for.
  if (Number.isFinite(declared)) assertUploadSize(declared, config.MAX_UPLOAD_BYTES + 64 * 1024);
  await next();
});

/** The uploaded file's own name without any path, bounded; `fallback` when it has none. */
export const uploadedName = (name: string, fallback: string) =>
  (name || fallback).split(/[\\/]/).pop()?.slice(0, 255) || fallback;

/** A Content-Disposition for downloading a stored file under its name (ASCII and UTF-8 forms). */
export const attachment = (filename: string) =>
  `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
