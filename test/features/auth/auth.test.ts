import { describe, expect, it } from "vitest";
import {
  call,
  callJson,
  randomIp,
  registerTenant,
  type Session,
  tokenFromEmail,
  waitForEmail,
  withinOneRateWindow,
} from "../../support/api";

interface ErrorEnvelope {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

describe("register, login, profile, refresh", () => {
  it("registers a tenant admin who can log in, read the profile and refresh", async () => {
    const tenant = await registerTenant("Acme Support");
    expect(tenant.user.role).toBe("TENANT_ADMIN");
    expect(tenant.tenant.name).toBe("Acme Support");
    expect(tenant.user).not.toHaveProperty("passwordHash");

    const login = await callJson<Session & { expiresIn: number }>(
      "/api/auth/login",
      { json: { email: tenant.email.toUpperCase(), password: tenant.password }, ip: randomIp() },
      200,
    );
    expect(login.expiresIn).toBe(900);

    const profile = await callJson<{ user: { email: string }; tenant: { id: string } }>(
      "/api/auth/profile",
      { token: login.accessToken },
      200,
    );
    expect(profile.user.email).toBe(tenant.email);
    expect(profile.tenant.id).toBe(tenant.tenant.id);

    const refreshed = await callJson<Session>(
      "/api/auth/refresh",
      { json: { refreshToken: login.refreshToken } },
      200,
    );
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    await callJson("/api/auth/profile", { token: refreshed.accessToken }, 200);
  });

  it("refuses a second account with the same email", async () => {
    const tenant = await registerTenant();
    const response = await call("/api/auth/register", {
      json: { tenantName: "Other", name: "X", email: tenant.email, password: "long enough password" },
      ip: randomIp(),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorEnvelope).error.code).toBe("conflict");
  });

  it("gives the same error for an unknown email and a wrong password", async () => {
    const tenant = await registerTenant();
    const wrong = await call("/api/auth/login", {
      json: { email: tenant.email, password: "wrong password" },
      ip: randomIp(),
    });
    const unknown = await call("/api/auth/login", {
      json: { email: "nobody@example.test", password: "wrong password" },
      ip: randomIp(),
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = ((await wrong.json()) as ErrorEnvelope).error;
    const b = ((await unknown.json()) as ErrorEnvelope).error;
    expect(a.message).toBe(b.message);
    expect(a.code).toBe(b.code);
  });

  it("rejects a reused refresh token and revokes its whole family", async () => {
    const tenant = await registerTenant();
    const first = await callJson<Session>(
      "/api/auth/refresh",
      { json: { refreshToken: tenant.refreshToken } },
      200,
    );

    const reuse = await call("/api/auth/refresh", { json: { refreshToken: tenant.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(((await reuse.json()) as ErrorEnvelope).error.message).toMatch(/already used/);

    // The legitimate newer token died with the family.
    const next = await call("/api/auth/refresh", { json: { refreshToken: first.refreshToken } });
    expect(next.status).toBe(401);
  });

  it("logs out by revoking the refresh token's login only", async () => {
    const tenant = await registerTenant();
    const other = await callJson<Session>(
      "/api/auth/login",
      { json: { email: tenant.email, password: tenant.password }, ip: randomIp() },
      200,
    );
    expect((await call("/api/auth/logout", { json: { refreshToken: tenant.refreshToken } })).status).toBe(
      204,
    );
    expect((await call("/api/auth/refresh", { json: { refreshToken: tenant.refreshToken } })).status).toBe(
      401,
    );
    await callJson("/api/auth/refresh", { json: { refreshToken: other.refreshToken } }, 200);
  });

  it("refuses tampered, foreign-signed and missing access tokens", async () => {
    const tenant = await registerTenant();
    const [header, payload] = tenant.accessToken.split(".");
    const forged = `${header}.${payload}.c2lnbmF0dXJl`;
    for (const token of [forged, "garbage", undefined]) {
      const response = await call("/api/auth/profile", token ? { token } : {});
      expect(response.status).toBe(401);
      expect(((await response.json()) as ErrorEnvelope).error.code).toBe("unauthorized");
    }
  });

  it("answers /verify with whether the token is valid", async () => {
    const tenant = await registerTenant();
    const ok = await callJson<{ valid: boolean; principal: { tenantId: string } }>(
      "/api/auth/verify",
      { token: tenant.accessToken },
      200,
    );
    expect(ok.valid).toBe(true);
    expect(ok.principal.tenantId).toBe(tenant.tenant.id);
    expect(await callJson("/api/auth/verify", { token: "nope" }, 200)).toEqual({ valid: false });
  });
});

describe("password reset", () => {
  it("emails a single-use link that sets a new password and ends all sessions", async () => {
    const tenant = await registerTenant();
    const ip = randomIp();
    expect(await callJson("/api/auth/forgot", { json: { email: tenant.email }, ip }, 202)).toEqual({
      accepted: true,
    });
    const email = await waitForEmail(tenant.email, /Reset your/);
    const token = tokenFromEmail(email);

    await call("/api/auth/reset", { json: { token, password: "brand new password 1" }, ip });
    expect((await call("/api/auth/refresh", { json: { refreshToken: tenant.refreshToken } })).status).toBe(
      401,
    );
    const oldLogin = await call("/api/auth/login", {
      json: { email: tenant.email, password: tenant.password },
      ip,
    });
    expect(oldLogin.status).toBe(401);
    await callJson(
      "/api/auth/login",
      { json: { email: tenant.email, password: "brand new password 1" }, ip },
      200,
    );

    const again = await call("/api/auth/reset", {
      json: { token, password: "another password 2" },
      ip: randomIp(),
    });
    expect(again.status).toBe(410);
  });

  it("answers 202 for unknown emails too, without sending anything", async () => {
    const response = await call("/api/auth/forgot", {
      json: { email: "ghost@example.test" },
      ip: randomIp(),
    });
    expect(response.status).toBe(202);
  });
});

describe("auth rate limits", () => {
  it("refuses the 6th login attempt in a minute with 429 and Retry-After", { timeout: 30_000 }, async () => {
    const tenant = await registerTenant();
    const ip = randomIp();
    const attempt = () =>
      call("/api/auth/login", { json: { email: tenant.email, password: "wrong password" }, ip });
    await withinOneRateWindow();
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("60");
    const body = (await limited.json()) as ErrorEnvelope;
    expect(body.error).toMatchObject({ code: "rate_limited", details: { retryAfter: 60 } });

    // Another address for the same email is counted separately.
    expect(
      (
        await call("/api/auth/login", {
          json: { email: tenant.email, password: tenant.password },
          ip: randomIp(),
        })
      ).status,
    ).toBe(200);
  });
});
