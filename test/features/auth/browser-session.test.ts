// The console's browser sessions: the refresh token lives in an HttpOnly cookie scoped to the session
// routes (never in a body), each cookie rotates once, a replayed one ends the login, and a cross-site
// form post (no custom header) is refused.
import { describe, expect, it } from "vitest";
import { call, callJson, randomIp, registerTenant } from "../../support/api";

const HEADER = { "X-Switchboard-Session": "1" };

/** The sb_refresh cookie a response set, with its attributes. */
function setCookie(response: Response): { value: string; attributes: string } {
  const header = response.headers.get("set-cookie") ?? "";
  const match = /sb_refresh=([^;]*);?(.*)/.exec(header);
  if (!match) throw new Error(`no sb_refresh cookie in ${header}`);
  return { value: match[1] ?? "", attributes: match[2] ?? "" };
}

async function signIn() {
  const tenant = await registerTenant();
  const response = await call("/api/auth/session", {
    json: { email: tenant.email, password: tenant.password },
    headers: HEADER,
    ip: randomIp(),
  });
  expect(response.status).toBe(200);
  return { tenant, response, body: (await response.json()) as Record<string, unknown> };
}

describe("browser sessions (/api/auth/session)", () => {
  it("signs in with the refresh token only in an HttpOnly, SameSite=Strict cookie on the session path", async () => {
    const { body, response } = await signIn();
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body).not.toHaveProperty("refreshToken");
    const cookie = setCookie(response);
    expect(cookie.value.length).toBeGreaterThan(20);
    expect(cookie.attributes).toMatch(/HttpOnly/i);
    expect(cookie.attributes).toMatch(/SameSite=Strict/i);
    expect(cookie.attributes).toMatch(/Path=\/api\/auth\/session/);
    // The access token works on the API.
    await callJson("/api/auth/profile", { token: String(body.accessToken) }, 200);
  });

  it("rotates the cookie once; replaying a rotated cookie ends the whole login", async () => {
    const { response } = await signIn();
    const first = setCookie(response).value;
    const refreshed = await call("/api/auth/session/refresh", {
      method: "POST",
      headers: { ...HEADER, cookie: `sb_refresh=${first}` },
    });
    expect(refreshed.status).toBe(200);
    const second = setCookie(refreshed).value;
    expect(second).not.toBe(first);
    expect(((await refreshed.json()) as Record<string, unknown>).accessToken).toEqual(expect.any(String));

    const replay = await call("/api/auth/session/refresh", {
      method: "POST",
      headers: { ...HEADER, cookie: `sb_refresh=${first}` },
    });
    expect(replay.status).toBe(401);
    // The replay revoked the family: the newer cookie no longer works either.
    const after = await call("/api/auth/session/refresh", {
      method: "POST",
      headers: { ...HEADER, cookie: `sb_refresh=${second}` },
    });
    expect(after.status).toBe(401);
  });

  it("refuses a session call without the console's header (a cross-site form post) and without a cookie", async () => {
    const { tenant, response } = await signIn();
    const cookie = setCookie(response).value;
    const forged = await call("/api/auth/session/refresh", {
      method: "POST",
      headers: { cookie: `sb_refresh=${cookie}` },
    });
    expect(forged.status).toBe(400);
    const noHeaderLogin = await call("/api/auth/session", {
      json: { email: tenant.email, password: tenant.password },
      ip: randomIp(),
    });
    expect(noHeaderLogin.status).toBe(400);
    const noCookie = await call("/api/auth/session/refresh", { method: "POST", headers: HEADER });
    expect(noCookie.status).toBe(401);
    // The forged call changed nothing: the cookie still rotates.
    const ok = await call("/api/auth/session/refresh", {
      method: "POST",
      headers: { ...HEADER, cookie: `sb_refresh=${cookie}` },
    });
    expect(ok.status).toBe(200);
  });

  it("signs out: the login is revoked and the cookie cleared", async () => {
    const { response } = await signIn();
    const cookie = setCookie(response).value;
    const out = await call("/api/auth/session", {
      method: "DELETE",
      headers: { ...HEADER, cookie: `sb_refresh=${cookie}` },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/sb_refresh=;.*Max-Age=0/i);
    const again = await call("/api/auth/session/refresh", {
      method: "POST",
      headers: { ...HEADER, cookie: `sb_refresh=${cookie}` },
    });
    expect(again.status).toBe(401);
  });

  it("serves the console's page on its deep links", async () => {
    const page = await call("/app/conversations/0190a0a0-0000-7000-8000-000000000000");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain('<div id="app">');
    const bare = await call("/app");
    expect(bare.status).toBe(200);
    expect(await bare.text()).toContain('<div id="app">');
  });
});
