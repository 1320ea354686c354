import { describe, expect, it } from "vitest";
import {
  addUser,
  call,
  callJson,
  randomIp,
  registerTenant,
  type Session,
  tokenFromEmail,
  waitForEmail,
} from "../../support/api";

const profile = (token: string) => call("/api/auth/profile", { token });

describe("access tokens end with the session they belong to", () => {
  it("refuses an access token after logout, even one issued in the same second", async () => {
    const tenant = await registerTenant();
    // Login and logout follow each other within milliseconds: whole-second `iat` cannot tell them apart.
    const login = await callJson<Session>(
      "/api/auth/login",
      { json: { email: tenant.email, password: tenant.password }, ip: randomIp() },
      200,
    );
    expect((await profile(login.accessToken)).status).toBe(200);
    expect((await call("/api/auth/logout", { json: { refreshToken: login.refreshToken } })).status).toBe(204);
    const refused = await profile(login.accessToken);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
    expect((await profile(tenant.accessToken)).status).toBe(401);

    // A login right after the logout works at once.
    const again = await callJson<Session>(
      "/api/auth/login",
      { json: { email: tenant.email, password: tenant.password }, ip: randomIp() },
      200,
    );
    expect((await profile(again.accessToken)).status).toBe(200);
  });

  it("refuses the old access token after a password reset and accepts a login right after it", async () => {
    const tenant = await registerTenant();
    const ip = randomIp();
    await callJson("/api/auth/forgot", { json: { email: tenant.email }, ip }, 202);
    const token = tokenFromEmail(await waitForEmail(tenant.email, /Reset your/));
    expect(
      (await call("/api/auth/reset", { json: { token, password: "brand new password 1" }, ip })).status,
    ).toBe(204);
    expect((await profile(tenant.accessToken)).status).toBe(401);

    const fresh = await callJson<Session>(
      "/api/auth/login",
      { json: { email: tenant.email, password: "brand new password 1" }, ip: randomIp() },
      200,
    );
    expect((await profile(fresh.accessToken)).status).toBe(200);
  });

  it("refuses every access token of a login whose refresh token was replayed", async () => {
    const tenant = await registerTenant();
    const rotated = await callJson<Session>(
      "/api/auth/refresh",
      { json: { refreshToken: tenant.refreshToken } },
      200,
    );
    expect((await profile(rotated.accessToken)).status).toBe(200);
    expect((await call("/api/auth/refresh", { json: { refreshToken: tenant.refreshToken } })).status).toBe(
      401,
    );
    expect((await profile(rotated.accessToken)).status).toBe(401);
    expect((await profile(tenant.accessToken)).status).toBe(401);
  });

  it("refuses a deactivated user's access token, also after reactivation", async () => {
    const tenant = await registerTenant();
    const colleague = await addUser(tenant.tenant.id, "TENANT_USER");
    const path = `/api/tenants/${tenant.tenant.id}/users/${colleague.user.id}`;
    expect((await profile(colleague.accessToken)).status).toBe(200);
    await callJson(
      path,
      { method: "PATCH", token: tenant.accessToken, json: { status: "deactivated" } },
      200,
    );
    expect((await profile(colleague.accessToken)).status).toBe(401);
    await callJson(path, { method: "PATCH", token: tenant.accessToken, json: { status: "active" } }, 200);
    expect((await profile(colleague.accessToken)).status).toBe(401);
    const back = await callJson<Session>(
      "/api/auth/login",
      { json: { email: colleague.email, password: colleague.password }, ip: randomIp() },
      200,
    );
    expect((await profile(back.accessToken)).status).toBe(200);
    expect(back.user).not.toHaveProperty("tokensValidAfter");
  });
});
