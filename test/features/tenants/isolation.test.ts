import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";

interface Probe {
  method: string;
  /** OpenAPI path template, to prove every parameterised route is probed. */
  route: string;
  path: string;
  json?: unknown;
}

describe("tenant isolation", () => {
  it("answers 404 and never data when tenant B touches any of tenant A's resources", async () => {
    const a = await registerTenant("Tenant A");
    const b = await registerTenant("Tenant B");
    const aMember = await addUser(a.tenant.id, "TENANT_USER");
    const aKey = await callJson<{ id: string }>(
      "/api/api-keys",
      { token: a.accessToken, json: { name: "A key" } },
      201,
    );
    const bKey = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: b.accessToken, json: { name: "B admin key", role: "TENANT_ADMIN" } },
      201,
    );

    const A = a.tenant.id;
    const probes: Probe[] = [
      { method: "GET", route: "/api/tenants/{id}", path: `/api/tenants/${A}` },
      { method: "PUT", route: "/api/tenants/{id}", path: `/api/tenants/${A}`, json: { name: "pwned" } },
      { method: "DELETE", route: "/api/tenants/{id}", path: `/api/tenants/${A}` },
      { method: "GET", route: "/api/tenants/{id}/users", path: `/api/tenants/${A}/users` },
      {
        method: "POST",
        route: "/api/tenants/{id}/users",
        path: `/api/tenants/${A}/users`,
        json: { email: "spy@example.test", name: "Spy" },
      },
      {
        method: "PATCH",
        route: "/api/tenants/{id}/users/{userId}",
        path: `/api/tenants/${A}/users/${aMember.user.id}`,
        json: { status: "deactivated" },
      },
      {
        method: "PATCH",
        route: "/api/tenants/{id}/users/{userId}",
        path: `/api/tenants/${b.tenant.id}/users/${aMember.user.id}`,
        json: { role: "TENANT_ADMIN" },
      },
      { method: "DELETE", route: "/api/api-keys/{id}", path: `/api/api-keys/${aKey.id}` },
    ];

    const doc = await callJson<{ paths: Record<string, Record<string, unknown>> }>("/openapi.json", {}, 200);
    const scoped = Object.entries(doc.paths)
      .filter(([path]) => path.includes("{"))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(probes.map((p) => `${p.method} ${p.route}`))).toEqual(new Set(scoped));

    for (const token of [b.accessToken, bKey.key]) {
      for (const probe of probes) {
        const response = await call(probe.path, { method: probe.method, token, json: probe.json });
        const text = await response.text();
        expect(response.status, `${probe.method} ${probe.path}`).toBe(404);
        expect(text).not.toContain(a.email);
        expect(text).not.toContain("Tenant A");
      }
    }

    // Lists only ever show the caller's own tenant.
    for (const path of ["/api/api-keys", "/api/metrics", "/api/auth/profile"]) {
      const text = await (await call(path, { token: b.accessToken })).text();
      expect(text).not.toContain(A);
      expect(text).not.toContain(aKey.id);
    }

    // And tenant A is untouched.
    const users = await callJson<{ data: { status: string }[] }>(
      `/api/tenants/${A}/users`,
      { token: a.accessToken },
      200,
    );
    expect(users.data.map((u) => u.status)).toEqual(["active", "active"]);
    expect((await callJson<{ name: string }>(`/api/tenants/${A}`, { token: a.accessToken }, 200)).name).toBe(
      "Tenant A",
    );
  });
});
