import { z } from "@hono/zod-openapi";
import { text } from "./text";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: text().openapi({ example: "validation_failed" }),
      message: text(),
      requestId: text(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const errorDescriptions = {
  400: "Invalid input (details lists the fields)",
  401: "Missing, invalid or expired credentials",
  403: "Authenticated but not allowed",
  404: "Not found (or owned by another tenant)",
  409: "Conflicts with existing data",
  410: "Gone (expired or already used)",
  413: "Payload too large",
  415: "Unsupported media type",
  426: "Not a WebSocket upgrade request",
  429: "Rate limited (see Retry-After)",
  502: "A dependency (e.g. the AI provider) answered with an error",
  503: "A dependency is unavailable",
  504: "A dependency did not answer in time",
} as const;

export type ErrorStatus = keyof typeof errorDescriptions;

/** A JSON response entry for a route's `responses`. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** Error response entries for the given statuses, all with the shared error envelope. */
export function errors<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, json(ErrorSchema, errorDescriptions[status])]),
  ) as {
    [K in S]: ReturnType<typeof json<typeof ErrorSchema>>;
  };
}

/** Error statuses every authenticated route can return. */
export const authErrors = [401, 403, 429] as const;

export const IdParams = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
