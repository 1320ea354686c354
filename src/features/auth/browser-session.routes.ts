import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { createRouter } from "../../lib/openapi";
import { clientIp, enforceRateLimit } from "../../lib/rate-limit";
import { errors, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { LoginBody, SessionSchema } from "./auth.schemas";
import { login } from "./auth.service";
import { revokeRefreshToken, rotateRefreshToken } from "./sessions.service";

const tags = ["Auth"];
const COOKIE = "sb_refresh";
// The cookie goes only to these routes: no other request (and no script) ever carries the refresh token.
const COOKIE_PATH = "/api/auth/session";
/** Sent by the console on every session call: a cross-site form cannot set it, and CORS guards scripts. */
const CSRF_HEADER = "X-Switchboard-Session";

/** A browser session as the console sees it: the access token only; the refresh token stays in its cookie. */
const BrowserSession = SessionSchema.omit({ refreshToken: true }).openapi("BrowserSession");
const headers = z.object({
  [CSRF_HEADER.toLowerCase()]: z
    .literal("1")
    .openapi({ description: "Must be 1 (refuses cross-site form posts)" }),
});

type Session = z.infer<typeof SessionSchema>;

/** Keeps the rotating refresh token in an HttpOnly, SameSite=Strict cookie and answers the rest. */
function answer(c: Context<AppEnv>, session: Session) {
  const { refreshToken, ...rest } = session;
  setCookie(c, COOKIE, refreshToken, {
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    path: COOKIE_PATH,
    maxAge: session.refreshExpiresIn,
  });
  return c.json(rest, 200);
}

function presented(c: Context<AppEnv>): string {
  const token = getCookie(c, COOKIE);
  if (!token) throw new AppError("unauthorized", "No browser session: sign in again");
  return token;
}

/**
 * The staff console's sessions: like /login, /refresh and /logout, with the refresh token in an
 * HttpOnly cookie instead of the body, so no script on the page can read it.
 */
export const browserSessionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Sign in for a browser session (refresh token in an HttpOnly cookie)",
      request: { ...jsonBody(LoginBody), headers },
      responses: {
        200: json(BrowserSession, "Signed in; Set-Cookie carries the refresh token"),
        ...errors(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const input = c.req.valid("json");
      await enforceRateLimit(c.env.AUTH_RATE_LIMITER, `login:${clientIp(c.req.raw.headers)}:${input.email}`);
      return answer(c, await login(c.var, input));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags,
      summary: "Rotate the browser session's refresh token for a new access token",
      description: "Each cookie works once; reusing a rotated one revokes the whole login.",
      request: { headers },
      responses: {
        200: json(BrowserSession, "A new access token; Set-Cookie rotates the refresh token"),
        ...errors(400, 401, 429),
      },
    }),
    async (c) => {
      await enforceRateLimit(c.env.API_RATE_LIMITER, `refresh:${clientIp(c.req.raw.headers)}`);
      const token = presented(c);
      try {
        return answer(c, await rotateRefreshToken(c.var, token));
      } catch (error) {
        deleteCookie(c, COOKIE, { path: COOKIE_PATH });
        throw error;
      }
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/",
      tags,
      summary: "End the browser session",
      request: { headers },
      responses: { 204: { description: "Signed out; the cookie is cleared" }, ...errors(400) },
    }),
    async (c) => {
      const token = getCookie(c, COOKIE);
      if (token) await revokeRefreshToken(c.var.db, token);
      deleteCookie(c, COOKIE, { path: COOKIE_PATH });
      return c.body(null, 204);
    },
  );
