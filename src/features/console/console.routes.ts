import { Hono } from "hono";
import type { AppEnv } from "../../lib/app-env";

/**
 * The staff console's deep links: every path under /app that is not a built file (public/app) gets
 * the console's page, whose router shows the screen. Static files never reach the Worker. Answers
 * from the Worker carry `Referrer-Policy: no-referrer` (secureHeaders), so the token in an account
 * page's link (/app/accept-invite, /app/reset-password) never travels on as a referrer. Their old
 * addresses (in emails sent before they moved into the console) redirect there.
 */
export const consoleRoutes = new Hono<AppEnv>()
  .get("/app/*", async (c) => {
    const page = await c.env.ASSETS.fetch(new URL("/app/", c.req.url));
    if (!page.ok) return c.text("The console is not built: run npm run build:console", 503);
    return new Response(page.body, { status: 200, headers: page.headers });
  })
  .get("/:page{accept-invite|reset-password}", (c) =>
    c.redirect(`/app/${c.req.param("page")}${new URL(c.req.url).search}`, 301),
  );
