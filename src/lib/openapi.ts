import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";

/** Validation failures as `{ path, message }` pairs, so clients can point at the field. */
export function validationDetails(error: ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** A feature router: routes declared with zod schemas feed both validation and /openapi.json. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError("validation_failed", `Invalid ${result.target}`, validationDetails(result.error));
      }
    },
  });
}

/** Reusable OpenAPI pieces for routes. */
export const bearerSecurity = [{ bearerAuth: [] }];
