import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { createAgent } from "../../support/ai";
import { call, registerTenant, type TestTenant } from "../../support/api";
import { setupPlanning } from "../../support/plans";
import { uploadRaw } from "../documents/helpers";

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: { path: string; message: string }[] };
}

/** Calls and returns the status with the error envelope. */
async function failure(path: string, options: Parameters<typeof call>[1]) {
  const response = await call(path, options);
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

const put = (tenant: TestTenant, json: unknown) => ({ method: "PUT", token: tenant.accessToken, json });
const randomId = () => crypto.randomUUID();

describe("empty updates", () => {
  it("answer 400 Nothing to update on every update route, and 404 first for an unknown agent or action", async () => {
    const tenant = await registerTenant();
    const { agent, action } = await setupPlanning(tenant);
    for (const path of [`/api/agents/${randomId()}`, `/api/agents/${agent.id}/actions/${randomId()}`])
      for (const json of [{}, { unknownField: 1 }])
        expect({ path, status: (await call(path, put(tenant, json))).status }).toEqual({ path, status: 404 });
    const routes = [
      `/api/agents/${agent.id}`,
      `/api/agents/${agent.id}/actions/${action.id}`,
      "/api/ai/config",
      "/api/plans/settings",
      `/api/tenants/${tenant.tenant.id}`,
      `/api/tenants/${tenant.tenant.id}/users/${tenant.user.id}`,
    ];
    for (const path of routes) {
      for (const json of [{}, { unknownField: 1 }]) {
        const options = { ...put(tenant, json), method: path.includes("/users/") ? "PATCH" : "PUT" };
        const { status, body } = await failure(path, options);
        expect({ path, status, code: body.error.code }).toEqual({
          path,
          status: 400,
          code: "validation_failed",
        });
        expect(body.error.message).toBe("Invalid request body");
        expect(body.error.details).toEqual([{ path: "", message: "Nothing to update" }]);
      }
    }
  });

  it("still answer 404 for an unknown id when there is something to update", async () => {
    const tenant = await registerTenant();
    const agent = await createAgent(tenant);
    expect((await call(`/api/agents/${randomId()}`, put(tenant, { name: "x" }))).status).toBe(404);
    const action = `/api/agents/${agent.id}/actions/${randomId()}`;
    expect((await call(action, put(tenant, { name: "x" }))).status).toBe(404);
  });
});

describe("validation errors", () => {
  it("say which part of the request failed and keep the field details", async () => {
    const tenant = await registerTenant();
    const body = await failure("/api/auth/register", { json: { tenantName: "", email: "not-an-email" } });
    expect(body.status).toBe(400);
    expect(body.body.error.message).toBe("Invalid request body");
    expect(body.body.error.details?.map((d) => d.path)).toContain("email");

    const query = await failure("/api/conversations?limit=abc", { token: tenant.accessToken });
    expect(query.body.error).toMatchObject({
      code: "validation_failed",
      message: "Invalid query parameters",
    });
    expect(query.body.error.details?.[0]?.path).toBe("limit");

    const param = await failure("/api/agents/not-a-uuid", { token: tenant.accessToken });
    expect(param.body.error).toMatchObject({ code: "validation_failed", message: "Invalid path parameters" });
    expect(param.body.error.details?.[0]?.path).toBe("id");

    const malformed = await failure("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"email":',
    });
    expect(malformed).toMatchObject({
      status: 400,
      body: { error: { message: "Malformed JSON in request body" } },
    });
  });

  it("refuse NUL in body fields and query parameters with 400 naming the field", async () => {
    const tenant = await registerTenant();
    const name = await failure(`/api/tenants/${tenant.tenant.id}`, put(tenant, { name: "a\u0000b" }));
    expect(name.status).toBe(400);
    expect(name.body.error.details?.map((d) => d.path)).toEqual(["name"]);
    const visitor = await failure("/api/conversations?visitorId=%00", { token: tenant.accessToken });
    expect(visitor.status).toBe(400);
    expect(visitor.body.error.details?.map((d) => d.path)).toEqual(["visitorId"]);
  });
});

describe("request body size", () => {
  const login = (body: BodyInit, headers: Record<string, string> = {}) =>
    call("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body,
    });
  // A well-formed login whose password makes the body `size` bytes long.
  const loginOf = (size: number) => {
    const start = '{"email":"a@example.test","password":"';
    return `${start}${"p".repeat(size - start.length - 2)}"}`;
  };

  it("refuses a JSON body over 1 MiB with 413 and the envelope, before parsing it", async () => {
    const response = await login(loginOf(1024 * 1024 + 1));
    expect(response.status).toBe(413);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("payload_too_large");
    expect(body.error.message).toContain("1048576");
    // At the limit the request gets as far as validation.
    expect((await login(loginOf(1024 * 1024))).status).toBe(400);
  });

  it("counts a chunked body as it streams in", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await login(stream);
    expect(response.status).toBe(413);
  });

  it("leaves uploads to their own, larger limit", async () => {
    const tenant = await registerTenant();
    const bytes = new TextEncoder().encode("Refund policy. ".repeat(100_000)); // 1.5 MB of text
    const response = await uploadRaw(tenant.accessToken, bytes, "policy.txt");
    expect(response.status).toBe(202);
  });

  it("takes its limit from MAX_BODY_BYTES", async () => {
    const app = createApp();
    const ctx = createExecutionContext();
    const request = new Request("http://switchboard.test/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: loginOf(2048),
    });
    const response = await app.fetch(request, { ...env, MAX_BODY_BYTES: "1024" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(413);
  });
});

describe("free-form JSON fields", () => {
  const filler = (bytes: number) => ({ notes: "n".repeat(bytes) });

  it("limit tenant settings to 16 KiB", async () => {
    const tenant = await registerTenant();
    const path = `/api/tenants/${tenant.tenant.id}`;
    const big = await failure(path, put(tenant, { settings: filler(16 * 1024) }));
    expect(big.status).toBe(400);
    expect(big.body.error.details?.map((d) => d.path)).toEqual(["settings"]);
    expect((await call(path, put(tenant, { settings: filler(15 * 1024) }))).status).toBe(200);
  });

  it("limit conversation metadata to 8 KiB and refuse NUL anywhere inside it", async () => {
    const tenant = await registerTenant();
    const create = (metadata: unknown) =>
      failure("/api/conversations", { token: tenant.accessToken, json: { metadata } });
    for (const metadata of [filler(8 * 1024), { a: { b: ["ok", "a\u0000b"] } }, { "k\u0000": 1 }]) {
      const { status, body } = await create(metadata);
      expect(status).toBe(400);
      expect(body.error.details?.map((d) => d.path)).toEqual(["metadata"]);
    }
    expect(
      (await call("/api/conversations", { token: tenant.accessToken, json: { metadata: filler(7000) } }))
        .status,
    ).toBe(201);
  });

  it("refuse deeply nested metadata with a 4xx, not a 500", async () => {
    const tenant = await registerTenant();
    const depth = 100_000;
    const response = await call("/api/conversations", {
      method: "POST",
      token: tenant.accessToken,
      headers: { "Content-Type": "application/json" },
      body: `{"metadata":{"a":${"[".repeat(depth)}${"]".repeat(depth)}}}`,
    });
    expect(response.status).toBe(400);
  });

  it("limit document metadata to 8 KiB and refuse NUL inside it", async () => {
    const tenant = await registerTenant();
    const bytes = new TextEncoder().encode("hello");
    for (const metadata of [JSON.stringify(filler(8 * 1024)), JSON.stringify({ a: ["a\u0000b"] })]) {
      const response = await uploadRaw(tenant.accessToken, bytes, "a.txt", { metadata });
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.details?.map((d) => d.path)).toEqual(["metadata"]);
    }
  });
});
