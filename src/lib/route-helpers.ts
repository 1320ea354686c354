import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "./app-env";

/** A required JSON request body for `createRoute`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

/** The public base URL of this deployment, for links in emails. */
export const appUrl = (c: Context<AppEnv>) => c.var.config.APP_URL ?? new URL(c.req.url).origin;

/**
 * An update body that must change something: `{}` (or only unknown keys, which are stripped) is a
 * 400 "Nothing to update" instead of an UPDATE with no columns.
 */
export const nonEmptyUpdate = <T extends z.ZodObject>(schema: T) =>
  schema.refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "Nothing to update",
  });
