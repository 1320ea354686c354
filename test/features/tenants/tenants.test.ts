import { describe, expect, it } from "vitest";
import {
  addUser,
  call,
  callJson,
  randomIp,
  registerTenant,
  type Session,
  tokenFromEmail,
  unique,
  waitForEmail,
} from "../../support/api";

interface User {
  id: string;
  email: string;
  role: string;
  status: string;
}

describe("tenants", () => {
  it("lets a platform admin list and create tenants, and nobody else", async () => {
    const home = await registerTenant();
    const platform = await addUser(home.tenant.id, "PLATFORM_ADMIN");
    const adminEmail = `first-admin-${unique()}@example.test`;
    const created = await callJson<{ id: string; name: string }>(
      "/api/tenants",
      {
        token: platform.accessToken,
        json: { name: "Created Co", admin: { email: adminEmail, name: "First" } },
      },
      201,
    );
    const list = await callJson<{ data: { id: string }[] }>(
      "/api/tenants",
      { token: platform.accessToken },
      200,
    );
    expect(list.data.map((t) => t.id)).toContain(created.id);
    await waitForEmail(adminEmail, /invited to Created Co/);

    expect((await call("/api/tenants", { token: home.accessToken })).status).toBe(403);
    expect((await call("/api/tenants", { token: home.accessToken, json: { name: "Nope" } })).status).toBe(
      403,
    );
  });

  it("lets a tenant admin read and rename the tenant, but not change its status", async () => {
    const tenant = await registerTenant();
    const path = `/api/tenants/${tenant.tenant.id}`;
    const renamed = await callJson<{ name: string }>(
      path,
      { method: "PUT", token: tenant.accessToken, json: { name: "Renamed" } },
      200,
    );
    expect(renamed.name).toBe("Renamed");
    const suspend = await call(path, {
      method: "PUT",
      token: tenant.accessToken,
      json: { status: "suspended" },
    });
    expect(suspend.status).toBe(403);
    const empty = await call(path, { method: "PUT", token: tenant.accessToken, json: {} });
    expect(empty.status).toBe(400);
  });

  it("cuts off every user of a suspended tenant", async () => {
    const tenant = await registerTenant();
    const platform = await addUser((await registerTenant()).tenant.id, "PLATFORM_ADMIN");
    await callJson(
      `/api/tenants/${tenant.tenant.id}`,
      { method: "PUT", token: platform.accessToken, json: { status: "suspended" } },
      200,
    );
    expect((await call("/api/auth/profile", { token: tenant.accessToken })).status).toBe(403);
    const login = await call("/api/auth/login", {
      json: { email: tenant.email, password: tenant.password },
      ip: randomIp(),
    });
    expect(login.status).toBe(403);
  });
});

describe("users of a tenant", () => {
  it("invites a user who accepts with a password and signs in with the invited role", async () => {
    const tenant = await registerTenant();
    const email = `invitee-${unique()}@example.test`;
    const invited = await callJson<User>(
      `/api/tenants/${tenant.tenant.id}/users`,
      { token: tenant.accessToken, json: { email, name: "Invitee" } },
      201,
    );
    expect(invited).toMatchObject({ email, role: "TENANT_USER", status: "invited" });

    const token = tokenFromEmail(await waitForEmail(email, /invited/));
    const session = await callJson<Session>(
      "/api/auth/accept-invite",
      { json: { token, password: "invitee password 1" }, ip: randomIp() },
      200,
    );
    expect(session.user).toMatchObject({ email, role: "TENANT_USER" });
    expect(
      (
        await call("/api/auth/accept-invite", {
          json: { token, password: "again password 2" },
          ip: randomIp(),
        })
      ).status,
    ).toBe(410);

    const users = await callJson<{ data: User[] }>(
      `/api/tenants/${tenant.tenant.id}/users`,
      { token: tenant.accessToken },
      200,
    );
    expect(users.data.find((u) => u.email === email)?.status).toBe("active");
    // A normal user may not list or manage users.
    expect(
      (await call(`/api/tenants/${tenant.tenant.id}/users`, { token: session.accessToken })).status,
    ).toBe(403);
  });

  it("changes roles at once and deactivation ends sessions", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const path = `/api/tenants/${tenant.tenant.id}/users/${member.user.id}`;

    expect((await call(`/api/tenants/${tenant.tenant.id}/users`, { token: member.accessToken })).status).toBe(
      403,
    );
    await callJson(path, { method: "PATCH", token: tenant.accessToken, json: { role: "TENANT_ADMIN" } }, 200);
    // The same access token now carries the new rights: roles are read per request.
    await callJson(`/api/tenants/${tenant.tenant.id}/users`, { token: member.accessToken }, 200);

    await callJson(
      path,
      { method: "PATCH", token: tenant.accessToken, json: { status: "deactivated" } },
      200,
    );
    expect((await call("/api/auth/profile", { token: member.accessToken })).status).toBe(401);
    expect((await call("/api/auth/refresh", { json: { refreshToken: member.refreshToken } })).status).toBe(
      401,
    );
    const login = await call("/api/auth/login", {
      json: { email: member.email, password: member.password },
      ip: randomIp(),
    });
    expect(login.status).toBe(401);
  });

  it("refuses to grant platform admin or to change one's own role", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const grant = await call(`/api/tenants/${tenant.tenant.id}/users/${member.user.id}`, {
      method: "PATCH",
      token: tenant.accessToken,
      json: { role: "PLATFORM_ADMIN" },
    });
    expect(grant.status).toBe(403);
    const self = await call(`/api/tenants/${tenant.tenant.id}/users/${tenant.user.id}`, {
      method: "PATCH",
      token: tenant.accessToken,
      json: { role: "TENANT_USER" },
    });
    expect(self.status).toBe(403);
  });
});
