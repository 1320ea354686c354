import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "./app-env";

/** A required JSON request body for `createRoute`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

/** The public base URL of this deployment, for links in emails. */
export const appUrl = (c: Context<AppEnv>) => c.var.config.APP_URL ?? new URL(c.req.url).origin;
