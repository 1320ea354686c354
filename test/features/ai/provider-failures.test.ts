import { describe, expect, it } from "vitest";
import { createAgent, requestsFor, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { call, callJson, registerTenant, type TestTenant } from "../../support/api";

const KEY = "sk-test-tenant-key";

interface ErrorBody {
  error: { code: string; message: string; requestId: string; type?: string };
}

async function failing(tenant: TestTenant, path: string, status: number) {
  const response = await call(path, { token: tenant.accessToken, json: { message: "hello" } });
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(text).not.toContain(KEY);
  return JSON.parse(text) as ErrorBody;
}

async function withProvider(extra: Record<string, unknown> = {}) {
  const tenant = await registerTenant();
  const model = uniqueModel();
  await useFakeProvider(tenant, model, extra);
  const agent = await createAgent(tenant);
  return { tenant, model, agent };
}

describe("a failing AI provider in the test endpoints", () => {
  it("answers 502 when the provider answers with an error, saying which", async () => {
    const { tenant, model, agent } = await withProvider();
    await script(model, [
      { type: "error", status: 500, message: "upstream exploded" },
      { type: "error", status: 401, message: "Incorrect API key provided", code: "invalid_api_key" },
    ]);
    const failed = await failing(tenant, "/api/ai/test", 502);
    expect(failed.error).toMatchObject({ code: "bad_gateway", message: "The AI provider failed (500)" });
    const refused = await failing(tenant, `/api/agents/${agent.id}/test`, 502);
    expect(refused.error).toMatchObject({
      code: "bad_gateway",
      message: "The AI provider refused the request (401)",
    });
  });

  it("answers 503 when the provider cannot be reached", async () => {
    const model = uniqueModel();
    const { tenant, agent } = await withProvider({
      defaultModel: {
        provider: "custom",
        baseUrl: "http://127.0.0.1:1/v1",
        model,
        temperature: 0,
        maxTokens: 50,
      },
    });
    for (const path of ["/api/ai/test", `/api/agents/${agent.id}/test`]) {
      const body = await failing(tenant, path, 503);
      expect(body.error).toMatchObject({
        code: "service_unavailable",
        message: "The AI provider could not be reached",
      });
    }
  });

  it("answers 504 when the provider does not answer in time", async () => {
    const { tenant, model, agent } = await withProvider();
    await script(model, [{ type: "slow", delayMs: 3000, chunks: ["too late"] }]);
    const body = await failing(tenant, `/api/agents/${agent.id}/test`, 504);
    expect(body.error.code).toBe("gateway_timeout");
    expect(body.error.message).toMatch(/timed out/);
  }, 20_000);
});

describe("/v1/chat/completions with stream: true", () => {
  async function streamed(tenant: TestTenant, agentName: string) {
    const key = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "sdk" } },
      201,
    );
    return call("/v1/chat/completions", {
      token: key.key,
      json: { model: agentName, stream: true, messages: [{ role: "user", content: "hi" }] },
    });
  }

  it("answers the provider's failure before the first token with its status and an OpenAI error body", async () => {
    const { tenant, model, agent } = await withProvider();
    await script(model, [{ type: "error", status: 503, message: "overloaded" }]);
    const response = await streamed(tenant, agent.name);
    expect(response.status).toBe(502);
    expect(response.headers.get("Content-Type")).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({
      error: { message: "The AI provider failed (503)", type: "server_error", code: "bad_gateway" },
    });
  });

  it("answers a spent budget with 429 and an OpenAI error body", async () => {
    const { tenant, model, agent } = await withProvider({ monthlyTokenBudget: 100 });
    await script(model, [
      { type: "text", chunks: ["spent"], usage: { prompt_tokens: 90, completion_tokens: 20 } },
    ]);
    await callJson("/api/ai/test", { token: tenant.accessToken, json: { message: "use the budget" } }, 200);
    const response = await streamed(tenant, agent.name);
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({
      error: {
        message: "This month's AI token budget is spent",
        type: "rate_limit_exceeded",
        code: "rate_limited",
      },
    });
    expect(await requestsFor(model)).toHaveLength(1);
  });

  it("still streams 200 once tokens flow", async () => {
    const { tenant, model, agent } = await withProvider();
    await script(model, [{ type: "text", chunks: ["Hel", "lo"] }]);
    const response = await streamed(tenant, agent.name);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/event-stream");
    const events = (await response.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)));
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe("Hello");
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
  });
});
