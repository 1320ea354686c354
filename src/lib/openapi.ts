import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";

/** Validation failures as `{ path, message }` pairs, so clients can point at the field. */
export function validationDetails(error: ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

// What failed, in the client's words (hono names the parts of a request json, form, query, param…).
const TARGETS: Record<string, string> = {
  json: "request body",
  form: "form data",
  query: "query parameters",
  param: "path parameters",
  header: "headers",
  cookie: "cookies",
};

/** A feature router: routes declared with zod schemas feed both validation and /openapi.json. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const what = TARGETS[result.target] ?? result.target;
        throw new AppError("validation_failed", `Invalid ${what}`, validationDetails(result.error));
      }
    },
  });
}

// A route that uses `Named.nullable()` first gets a nullable component: the same schema otherwise.
function nonNullable(component: object): string {
  if (!("type" in component) || !Array.isArray(component.type)) return JSON.stringify(component);
  const types = component.type.filter((type) => type !== "null");
  return JSON.stringify({ ...component, type: types.length === 1 ? types[0] : types });
}

/**
 * Component names given to different schemas, as "Name: route and route". The document keeps the
 * first schema of a name, so a route using another one would be documented wrongly: each route is
 * generated alone and the components of all routes are compared.
 */
export function componentNameCollisions(app: OpenAPIHono<AppEnv>): string[] {
  const seen = new Map<string, { schema: string; route: string }>();
  const collisions: string[] = [];
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const route = `${definition.route.method.toUpperCase()} ${definition.route.path}`;
    const alone = new OpenAPIHono();
    alone.openAPIRegistry.registerPath(definition.route);
    const document = alone.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "", version: "" } });
    for (const [name, component] of Object.entries(document.components?.schemas ?? {})) {
      const schema = nonNullable(component);
      const first = seen.get(name);
      if (!first) seen.set(name, { schema, route });
      else if (first.schema !== schema) collisions.push(`${name}: ${first.route} and ${route}`);
    }
  }
  return collisions;
}

/** Reusable OpenAPI pieces for routes. */
export const bearerSecurity = [{ bearerAuth: [] }];
