import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";

/** A required JSON request body for `createRoute`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

/** The public base URL of this deployment, for links in emails. */
export const appUrl = (c: Context<AppEnv>) => c.var.config.APP_URL ?? new URL(c.req.url).origin;

const changesSomething = (body: object) => Object.values(body).some((value) => value !== undefined);

/**
 * An update body that must change something: `{}` (or only unknown keys, which are stripped) is a
 * 400 "Nothing to update" instead of an UPDATE with no columns. For a route whose resource is looked
 * up first (an unknown id stays a 404), the service calls `requireChanges` instead.
 */
export const nonEmptyUpdate = <T extends z.ZodObject>(schema: T) =>
  schema.refine(changesSomething, { message: "Nothing to update" });

/** The same rule as `nonEmptyUpdate`, for a service to apply once it has found the resource. */
export function requireChanges(body: object): void {
  if (!changesSomething(body))
    throw new AppError("validation_failed", "Invalid request body", [
      { path: "", message: "Nothing to update" },
    ]);
}
