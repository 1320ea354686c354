import { Hono } from "hono";
import type { AppEnv } from "../../lib/app-env";

/**
 * The staff console's deep links: every path under /app that is not a built file (public/app) gets
 * the console's page, whose router shows the screen. Static files never reach the Worker.
 */
export const consoleRoutes = new Hono<AppEnv>().get("/app/*", async (c) => {
  const page = await c.env.ASSETS.fetch(new URL("/app/", c.req.url));
  if (!page.ok) return c.text("The console is not built: run npm run build:console", 503);
  return new Response(page.body, { status: 200, headers: page.headers });
});
