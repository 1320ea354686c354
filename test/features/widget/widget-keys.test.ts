import { describe, expect, it } from "vitest";
import { createAgent } from "../../support/ai";
import { call, callJson, registerTenant } from "../../support/api";

interface WidgetKey {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  agentId: string | null;
}

interface ErrorEnvelope {
  error: { code: string; message: string };
}

const createKey = (token: string, body: Record<string, unknown>) =>
  call("/api/widget-keys", {
    token,
    json: { name: "Shop", allowedOrigins: ["https://shop.example"], ...body },
  });

const updateKey = (token: string, id: string, json: unknown) =>
  call(`/api/widget-keys/${id}`, { method: "PUT", token, json });

const sessionFrom = (widgetKey: string, origin: string) =>
  call("/api/widget/sessions", { json: { widgetKey }, headers: { Origin: origin } });

describe("widget key agents", () => {
  it("refuses an agent of another tenant or none at all when a key is created", async () => {
    const [tenant, other] = await Promise.all([registerTenant(), registerTenant()]);
    const foreign = await createAgent(other);
    for (const agentId of [foreign.id, crypto.randomUUID()]) {
      const response = await createKey(tenant.accessToken, { agentId });
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorEnvelope).error.message).toBe("Agent not found");
    }
    const own = await createAgent(tenant);
    expect((await createKey(tenant.accessToken, { agentId: own.id })).status).toBe(201);
  });
});

describe("PUT /api/widget-keys/:id", () => {
  it("changes origins, agent and name while the public key stays the same", async () => {
    const tenant = await registerTenant();
    const agent = await createAgent(tenant);
    const key = (await (await createKey(tenant.accessToken, {})).json()) as WidgetKey;
    expect((await sessionFrom(key.publicKey, "https://blog.example")).status).toBe(403);

    const updated = await callJson<WidgetKey>(
      `/api/widget-keys/${key.id}`,
      {
        method: "PUT",
        token: tenant.accessToken,
        json: { name: "Blog", allowedOrigins: ["https://blog.example"], agentId: agent.id },
      },
      200,
    );
    expect(updated).toMatchObject({
      id: key.id,
      publicKey: key.publicKey,
      name: "Blog",
      allowedOrigins: ["https://blog.example"],
      agentId: agent.id,
    });
    expect(updated).not.toHaveProperty("identitySecret");
    const started = await sessionFrom(key.publicKey, "https://blog.example");
    expect(started.status).toBe(200);
    expect(((await started.json()) as { conversation: { agentId: string } }).conversation.agentId).toBe(
      agent.id,
    );
    expect((await sessionFrom(key.publicKey, "https://shop.example")).status).toBe(403);

    const cleared = await callJson<WidgetKey>(
      `/api/widget-keys/${key.id}`,
      { method: "PUT", token: tenant.accessToken, json: { agentId: null } },
      200,
    );
    expect(cleared).toMatchObject({ agentId: null, name: "Blog" });
  });

  it("answers 400 for an empty update, 404 for unknown, foreign ids and agents, 409 for a revoked key", async () => {
    const [tenant, other] = await Promise.all([registerTenant(), registerTenant()]);
    const key = (await (await createKey(tenant.accessToken, {})).json()) as WidgetKey;

    const empty = await updateKey(tenant.accessToken, key.id, {});
    expect(empty.status).toBe(400);
    expect(JSON.stringify(await empty.json())).toMatch(/Nothing to update/);
    expect((await updateKey(tenant.accessToken, crypto.randomUUID(), { name: "x" })).status).toBe(404);
    expect((await updateKey(other.accessToken, key.id, { name: "x" })).status).toBe(404);
    const foreignAgent = await createAgent(other);
    expect((await updateKey(tenant.accessToken, key.id, { agentId: foreignAgent.id })).status).toBe(404);
    expect((await updateKey(tenant.accessToken, key.id, { allowedOrigins: [] })).status).toBe(400);

    await call(`/api/widget-keys/${key.id}`, { method: "DELETE", token: tenant.accessToken });
    expect((await updateKey(tenant.accessToken, key.id, { name: "x" })).status).toBe(409);
  });
});

describe("wildcard origins", () => {
  it("lets https://*.example.com match one or more subdomain labels, never the apex or look-alikes", async () => {
    const tenant = await registerTenant();
    const key = (await (
      await createKey(tenant.accessToken, { allowedOrigins: ["https://*.example.com"] })
    ).json()) as WidgetKey;
    for (const origin of ["https://shop.example.com", "https://a.b.example.com", "https://Shop.Example.com"])
      expect((await sessionFrom(key.publicKey, origin)).status, origin).toBe(200);
    for (const origin of [
      "https://example.com",
      "https://evil-example.com",
      "https://shop.example.com.evil.test",
      "http://shop.example.com",
      "https://shop.example.com:8443",
      "https://.example.com",
    ])
      expect((await sessionFrom(key.publicKey, origin)).status, origin).toBe(403);
  });

  it("refuses wildcards anywhere but the first label, and over a bare top-level domain", async () => {
    const tenant = await registerTenant();
    for (const origin of [
      "https://*.com",
      "https://shop*.example.com",
      "https://shop.*.example.com",
      "*.example.com",
    ]) {
      const response = await createKey(tenant.accessToken, { allowedOrigins: [origin] });
      expect(response.status, origin).toBe(400);
      expect(JSON.stringify(await response.json())).toMatch(/wildcard|origin such as/);
    }
  });
});
