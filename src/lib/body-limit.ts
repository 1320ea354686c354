import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../env";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";

// Uploads stream multipart files and check MAX_UPLOAD_BYTES themselves (documents.routes.ts);
// chat attachments check MAX_ATTACHMENT_BYTES (attachments.routes.ts).
const UPLOAD = /^\/api\/(documents|(widget\/)?conversations\/[^/]+\/attachments)\/?$/;
const SIGNED_UPLOAD = /^\/api\/attachment-uploads\/[^/]+$/;

/**
 * Refuses a request body over MAX_BODY_BYTES with 413 before anything parses it: by Content-Length
 * when declared, else by counting a chunked body as it streams in.
 */
export const requestBodyLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "POST" && UPLOAD.test(c.req.path)) return next();
  if (c.req.method === "PUT" && SIGNED_UPLOAD.test(c.req.path)) return next();
  const maxSize = loadConfig(c.env).MAX_BODY_BYTES;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError("payload_too_large", `Request body is larger than ${maxSize} bytes`, {
        maxBytes: maxSize,
      });
    },
  })(c, next);
});
