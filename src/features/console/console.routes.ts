import { Hono } from "hono";
import type { AppEnv } from "../../lib/app-env";

/** The console's pages that emailed links open: their URL holds a token. */
const ACCOUNT_PAGES = ["/accept-invite", "/reset-password"];

/**
 * The staff console's deep links: every path under /app that is not a built file (public/app) gets
 * the console's page, whose router shows the screen. Static files never reach the Worker. The old
 * addresses of the account pages (in emails sent before they moved into the console) redirect there.
 */
export const consoleRoutes = new Hono<AppEnv>()
  .get("/app/*", async (c) => {
    const page = await c.env.ASSETS.fetch(new URL("/app/", c.req.url));
    if (!page.ok) return c.text("The console is not built: run npm run build:console", 503);
    const headers = new Headers(page.headers);
    // The token in the link must not travel on as a referrer, not even to this origin.
    if (ACCOUNT_PAGES.includes(c.req.path.slice("/app".length)))
      headers.set("Referrer-Policy", "no-referrer");
    return new Response(page.body, { status: 200, headers });
  })
  .get("/:page{accept-invite|reset-password}", (c) => {
    c.header("Referrer-Policy", "no-referrer");
    return c.redirect(`/app/${c.req.param("page")}${new URL(c.req.url).search}`, 301);
  });
