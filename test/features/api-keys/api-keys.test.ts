import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { apiKeys } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { call, callJson, registerTenant } from "../../support/api";

interface ApiKey {
  id: string;
  key?: string;
  prefix: string;
  name: string;
  lastUsedAt: string | null;
}

describe("API keys", () => {
  it("shows the secret once, lists keys without it, and accepts it as a bearer token", async () => {
    const tenant = await registerTenant();
    const created = await callJson<ApiKey>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "CRM sync" } },
      201,
    );
    expect(created.key).toMatch(/^sb_[0-9a-f]{8}_[\w-]{43}$/);
    expect(created.key?.startsWith(created.prefix)).toBe(true);

    const profile = await callJson<{ principal: { kind: string; role: string }; tenant: { id: string } }>(
      "/api/auth/profile",
      { token: created.key },
      200,
    );
    expect(profile.principal).toMatchObject({ kind: "api_key", role: "TENANT_USER" });
    expect(profile.tenant.id).toBe(tenant.tenant.id);

    // The key's use is recorded after the response.
    const listed = () => callJson<{ data: ApiKey[] }>("/api/api-keys", { token: tenant.accessToken }, 200);
    await expect.poll(async () => (await listed()).data[0]?.lastUsedAt ?? null).not.toBeNull();
    const list = await listed();
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).not.toHaveProperty("key");
    expect(JSON.stringify(list)).not.toContain(created.key?.slice(12));
  });

  it("limits a key to its role", async () => {
    const tenant = await registerTenant();
    const userKey = await callJson<ApiKey>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "reader" } },
      201,
    );
    expect((await call("/api/api-keys", { token: userKey.key })).status).toBe(403);
    const adminKey = await callJson<ApiKey>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "admin", role: "TENANT_ADMIN" } },
      201,
    );
    await callJson("/api/api-keys", { token: adminKey.key }, 200);
    const platform = await call("/api/api-keys", {
      token: tenant.accessToken,
      json: { name: "x", role: "PLATFORM_ADMIN" },
    });
    expect(platform.status).toBe(400);
  });

  it("stops accepting a revoked or expired key", async () => {
    const tenant = await registerTenant();
    const key = await callJson<ApiKey>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "temp" } },
      201,
    );
    expect(
      (await call(`/api/api-keys/${key.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(204);
    expect((await call("/api/auth/profile", { token: key.key })).status).toBe(401);
    expect(
      (await call(`/api/api-keys/${key.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(404);

    const past = new Date(Date.now() - 1000).toISOString();
    const refused = await call("/api/api-keys", {
      token: tenant.accessToken,
      json: { name: "old", expiresAt: past },
    });
    expect(refused.status).toBe(400);

    const expiring = await callJson<ApiKey>(
      "/api/api-keys",
      {
        token: tenant.accessToken,
        json: { name: "soon", expiresAt: new Date(Date.now() + 60_000).toISOString() },
      },
      201,
    );
    await callJson("/api/auth/profile", { token: expiring.key }, 200);
    const { db, close } = openDatabase(loadConfig(env));
    await db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, expiring.id));
    await close();
    expect((await call("/api/auth/profile", { token: expiring.key })).status).toBe(401);
  });
});
