import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { notificationPreferences } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { createRouter } from "../../lib/openapi";
import { json } from "../../lib/responses";
import { jsonBody, nonEmptyUpdate } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import { DEFAULT_PREFERENCES } from "./digest";

const route = featureRoutes(["Notifications"]);

const PreferencesSchema = z
  .object({
    emailEnabled: z.boolean().openapi({ description: "Email me about conversations that wait for a human" }),
    digestMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .openapi({ description: "At most one email per this many minutes", example: 15 }),
  })
  .openapi("NotificationPreferences");

const UpdatePreferences = nonEmptyUpdate(PreferencesSchema.partial()).openapi(
  "UpdateNotificationPreferences",
);

/** The signed-in user (an API key has no inbox of its own to be told about). */
function userOf(c: Context<AppEnv>) {
  const { principal } = c.var;
  if (principal.kind !== "user") throw new AppError("forbidden", "Notification preferences belong to a user");
  return principal;
}

async function preferences(c: Context<AppEnv>, userId: string) {
  const [row] = await c.var.db
    .select({
      emailEnabled: notificationPreferences.emailEnabled,
      digestMinutes: notificationPreferences.digestMinutes,
    })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  return row ?? DEFAULT_PREFERENCES;
}

export const notificationRoutes = createRouter()
  .openapi(
    route("profile:read", {
      method: "get",
      path: "/notification-preferences",
      summary: "My email notifications about conversations waiting for a human",
      responses: { 200: json(PreferencesSchema, "Preferences") },
    }),
    async (c) => c.json(await preferences(c, userOf(c).id), 200),
  )
  .openapi(
    route("profile:read", {
      method: "put",
      path: "/notification-preferences",
      summary: "Change my email notifications (on or off, and the digest interval)",
      request: jsonBody(UpdatePreferences),
      errors: [400],
      responses: { 200: json(PreferencesSchema, "Preferences") },
    }),
    async (c) => {
      const user = userOf(c);
      const next = { ...(await preferences(c, user.id)), ...c.req.valid("json") };
      await c.var.db
        .insert(notificationPreferences)
        .values({ userId: user.id, tenantId: user.tenantId, ...next })
        .onConflictDoUpdate({ target: notificationPreferences.userId, set: next });
      return c.json(next, 200);
    },
  );
