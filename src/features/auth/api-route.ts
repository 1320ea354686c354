import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { bearerSecurity } from "../../lib/openapi";
import type { Permission } from "../../lib/rbac";
import { authErrors, type ErrorStatus, errors } from "../../lib/responses";
import { authorize } from "./auth.middleware";

/**
 * An authenticated API route: bearer security, the permission's check and the standard error
 * responses (401, 403, 429 and the ones named) filled in, so a route declares only what is its own.
 */
export function apiRoute<const R extends Omit<RouteConfig, "tags" | "security" | "middleware">>(
  tags: string[],
  permission: Permission,
  config: R & { errors?: ErrorStatus[] },
) {
  const { errors: statuses = [], ...route } = config;
  return createRoute({
    ...route,
    tags,
    security: bearerSecurity,
    middleware: authorize(permission),
    responses: { ...route.responses, ...errors(...statuses, ...authErrors) },
  });
}

export type ApiRouteConfig = Omit<RouteConfig, "tags" | "security" | "middleware"> & {
  errors?: ErrorStatus[];
};

/** A feature's route helper: `route(permission, config)` with the feature's OpenAPI tags. */
export const featureRoutes =
  (tags: string[]) =>
  <const R extends ApiRouteConfig>(permission: Permission, config: R) =>
    apiRoute(tags, permission, config);
