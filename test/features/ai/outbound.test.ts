import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callDownstream } from "../../../src/features/actions/downstream";
import worker from "../../../src/index";
import { EmbeddingsError, openAiEmbeddings } from "../../../src/providers/embeddings";
import { requestsFor, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { registerTenant, type TestTenant } from "../../support/api";
import { downstream } from "../../support/plans";

const fake = new URL(env.FAKE_SERVICES_URL);
/** A public-looking name for the fake services (host names are not resolved by the check). */
const PUBLIC_HOST = "provider.example.com";

/**
 * Stands in for DNS: `PUBLIC_HOST` resolves to the fake services' loopback address, as a public
 * name pointing at an attacker's server would; the server then redirects to a private address.
 */
function resolvePublicHost() {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname === PUBLIC_HOST) url.host = fake.host;
    return realFetch(url, init);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

// The test's embeddings server is on loopback too: search falls back to full text without it.
const { EMBEDDINGS_API_URL: _embeddings, ...withoutEmbeddings } = env;

/** The Worker as deployed with ALLOW_PRIVATE_OUTBOUND=false. */
async function withoutPrivate(path: string, tenant: TestTenant, json: unknown) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`http://switchboard.test${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tenant.accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(json),
    }),
    { ...withoutEmbeddings, ALLOW_PRIVATE_OUTBOUND: "false" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; message: string } },
  };
}

const PUBLIC_URL = `http://${PUBLIC_HOST}:${fake.port}`;

/** A public base URL whose `POST <path>` answers 307 to `location`. */
async function redirecting(path: string, location: string) {
  const api = downstream();
  await api.script({ [`POST ${path}`]: { status: 307, location } });
  return `${PUBLIC_URL}/downstream/${api.ns}`;
}

describe("outbound calls to AI providers", () => {
  it("refuses a provider base URL that redirects to 127.0.0.1 when private addresses are not allowed, as it refuses the direct URL", async () => {
    resolvePublicHost();
    const tenant = await registerTenant();
    const model = uniqueModel();
    await script(model, [{ type: "text", chunks: ["followed the redirect"] }]);
    await useFakeProvider(tenant, model);
    const direct = await withoutPrivate("/api/ai/test", tenant, { message: "hello" });
    expect(direct.status).toBe(400);
    expect(direct.body.error?.message).toMatch(/private or loopback/);

    const useBaseUrl = (baseUrl: string) =>
      useFakeProvider(tenant, model, {
        defaultModel: { provider: "custom", baseUrl, model, temperature: 0.2, maxTokens: 300 },
      });
    await useBaseUrl(
      await redirecting("/chat/completions", `${env.FAKE_SERVICES_URL}/openai/v1/chat/completions`),
    );
    const redirected = await withoutPrivate("/api/ai/test", tenant, { message: "hello" });
    expect(redirected.status).toBe(502);
    expect(redirected.body.error).toMatchObject({ code: "bad_gateway" });
    expect(redirected.body.error?.message).toMatch(/redirect that points to a private or loopback address/);
    expect(await requestsFor(model)).toEqual([]);

    // A redirect to a public address is followed.
    await useBaseUrl(await redirecting("/chat/completions", `${PUBLIC_URL}/openai/v1/chat/completions`));
    const followed = await withoutPrivate("/api/ai/test", tenant, { message: "hello" });
    expect(followed).toMatchObject({ status: 200, body: { reply: "followed the redirect" } });
  });

  it("does not carry the provider key to another origin on a redirect", async () => {
    const api = downstream();
    await api.script({
      "POST /embeddings": { status: 307, location: api.otherHostUrl("/moved/embeddings") },
    });
    const embeddings = openAiEmbeddings({
      baseUrl: `${env.FAKE_SERVICES_URL}/downstream/${api.ns}`,
      apiKey: "sk-test-embeddings",
      model: "text-embedding-3-small",
      allowPrivate: true,
    });
    await expect(embeddings.embed(["hello"])).rejects.toThrow(EmbeddingsError);
    expect((await api.requests()).map((r) => [r.path, r.authorization])).toEqual([
      ["/embeddings", "Bearer sk-test-embeddings"],
      ["/moved/embeddings", null],
    ]);
  });

  it("refuses an embeddings URL that redirects to 127.0.0.1, for good, as it refuses the direct URL", async () => {
    resolvePublicHost();
    const embeddings = (baseUrl: string, allowPrivate: boolean) =>
      openAiEmbeddings({
        baseUrl,
        apiKey: "sk-test-embeddings",
        model: "text-embedding-3-small",
        allowPrivate,
      });
    await expect(embeddings(`${env.FAKE_SERVICES_URL}/openai/v1`, false).embed(["hello"])).rejects.toThrow(
      /private or loopback/,
    );
    const baseUrl = await redirecting("/embeddings", `${env.FAKE_SERVICES_URL}/openai/v1/embeddings`);
    const refused = await embeddings(baseUrl, false)
      .embed(["hello"])
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EmbeddingsError);
    expect((refused as EmbeddingsError).message).toMatch(/redirect that points to a private or loopback/);
    expect((refused as EmbeddingsError).retryable).toBe(false);
    const followed = await redirecting("/embeddings", `${PUBLIC_URL}/openai/v1/embeddings`);
    expect(await embeddings(followed, false).embed(["hello"])).toHaveLength(1);
  });

  it("keeps refusing an action API that redirects to a private address", async () => {
    resolvePublicHost();
    const api = downstream();
    await api.script({
      "GET /api/orders/1": {
        status: 302,
        location: `${env.FAKE_SERVICES_URL}/downstream/${api.ns}/api/orders/2`,
      },
    });
    await expect(
      callDownstream({
        baseUrl: `${PUBLIC_URL}/downstream/${api.ns}/api`,
        method: "GET",
        path: "/orders/1",
        query: {},
        authorization: null,
        authorizationSource: "none",
        timeoutMs: 2000,
        allowPrivate: false,
      }),
    ).rejects.toThrow(/Refused a redirect/);
    expect((await api.requests()).map((r) => r.path)).toEqual(["/api/orders/1"]);
  });
});
