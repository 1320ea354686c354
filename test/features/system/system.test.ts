import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";

describe("system endpoints", () => {
  it("answers liveness without touching the database", async () => {
    const response = await call("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("reports a database round trip with its latency", async () => {
    const body = await callJson<{ status: string; database: { ok: boolean; latencyMs: number } }>(
      "/api/health",
      {},
      200,
    );
    expect(body.status).toBe("ok");
    expect(body.database.ok).toBe(true);
    expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("reports version, commit and providers", async () => {
    const body = await callJson<Record<string, unknown>>("/api/status", {}, 200);
    expect(body).toMatchObject({ name: "switchboard", version: "0.1.0", environment: "test" });
    expect(body.providers).toMatchObject({ database: "postgres (local proxy)", email: "resend" });
  });

  it("answers unknown routes with the JSON error envelope", async () => {
    const response = await call("/nope", { headers: { "X-Request-Id": "req-123" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("X-Request-Id")).toBe("req-123");
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: "No route for GET /nope", requestId: "req-123" },
    });
  });

  it("generates a request id when the incoming one is unusable", async () => {
    const response = await call("/nope", { headers: { "X-Request-Id": "bad id with spaces" } });
    const id = response.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await response.json()) as { error: { requestId: string } }).error.requestId).toBe(id);
  });

  it("rejects malformed JSON and invalid fields with field paths in details", async () => {
    const malformed = await call("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    const invalid = await call("/api/auth/register", { json: { tenantName: "", email: "not-an-email" } });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["email", "name", "password", "tenantName"]);
  });

  it("allows configured CORS origins only, and sets secure headers", async () => {
    const allowed = await call("/api/status", { headers: { Origin: "https://app.example.test" } });
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.test");
    expect(allowed.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const preflight = await call("/api/auth/login", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("serves interactive docs whose assets come from the app, not a CDN", async () => {
    const page = await call("/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset.startsWith("/")).toBe(true);
      const served = await env.ASSETS.fetch(`http://switchboard.test${asset}`);
      expect(served.status, asset).toBe(200);
      await served.arrayBuffer();
    }
  });

  it("documents every route in the OpenAPI 3.1 document", async () => {
    const doc = await callJson<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      "/openapi.json",
      {},
      200,
    );
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        "POST /api/auth/register",
        "POST /api/auth/login",
        "POST /api/auth/refresh",
        "POST /api/auth/logout",
        "POST /api/auth/forgot",
        "POST /api/auth/reset",
        "GET /api/auth/profile",
        "GET /api/auth/verify",
        "GET /api/tenants",
        "GET /api/tenants/{id}/users",
        "POST /api/api-keys",
        "GET /api/health",
        "GET /api/metrics",
      ]),
    );
  });

  it("counts per tenant for the caller, as JSON or Prometheus text", async () => {
    const tenant = await registerTenant();
    const body = await callJson<{ tenants: { tenantId: string; users: number; activeSessions: number }[] }>(
      "/api/metrics",
      { token: tenant.accessToken },
      200,
    );
    expect(body.tenants).toEqual([
      {
        tenantId: tenant.tenant.id,
        users: 1,
        activeUsers: 1,
        activeApiKeys: 0,
        activeSessions: 1,
        conversations: 0,
        openConversations: 0,
        messages: 0,
        outboxPending: 0,
        flushLagSeconds: 0,
        outboxDead: 0,
      },
    ]);
    const text = await call("/api/metrics", { token: tenant.accessToken, headers: { Accept: "text/plain" } });
    expect(text.headers.get("Content-Type")).toContain("text/plain");
    expect(await text.text()).toContain(`switchboard_users{tenant_id="${tenant.tenant.id}"} 1`);
  });
});
