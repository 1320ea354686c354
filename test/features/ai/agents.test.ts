import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { aiSettings } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import {
  createAgent,
  requestsFor,
  script,
  uniqueModel,
  useFakeProvider,
  visitorChat,
} from "../../support/ai";
import { call, callJson, registerTenant } from "../../support/api";
import { messageFrom } from "../../support/ws";
import { upload, waitUntilSettled } from "../documents/helpers";

const fromAi = messageFrom("ai");

describe("agents and AI settings", () => {
  it("creates, reads, updates and deletes agents, validating their settings", async () => {
    const tenant = await registerTenant();
    const agent = await callJson<{ id: string; name: string; enabled: boolean }>(
      "/api/agents",
      {
        token: tenant.accessToken,
        json: {
          name: "Support",
          systemPrompt: "Be brief.",
          greeting: "Hi! How can I help?",
          model: { provider: "openai", model: "gpt-4o-mini" },
          collections: ["faq"],
          businessHours: { timezone: "Europe/Berlin", weekly: { mon: [["09:00", "17:00"]] } },
        },
      },
      201,
    );
    expect(agent).toMatchObject({ name: "Support", enabled: true });
    const updated = await callJson(
      `/api/agents/${agent.id}`,
      { method: "PUT", token: tenant.accessToken, json: { enabled: false } },
      200,
    );
    expect(updated).toMatchObject({ enabled: false, systemPrompt: "Be brief." });
    const list = await callJson<{ data: { id: string }[] }>(
      "/api/agents",
      { token: tenant.accessToken },
      200,
    );
    expect(list.data.map((a) => a.id)).toEqual([agent.id]);

    for (const bad of [
      { name: "x", model: { provider: "custom", model: "m" } },
      { name: "x", businessHours: { timezone: "Mars/Olympus", weekly: {} } },
      { name: "x", businessHours: { timezone: "UTC", weekly: { mon: [["9am", "5pm"]] } } },
      { name: "" },
    ]) {
      const response = await call("/api/agents", { token: tenant.accessToken, json: bad });
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    expect(
      (await call(`/api/agents/${agent.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(204);
    expect((await call(`/api/agents/${agent.id}`, { token: tenant.accessToken })).status).toBe(404);
  });

  it("stores the provider key encrypted and never returns it", async () => {
    const tenant = await registerTenant();
    const saved = await callJson<Record<string, unknown>>(
      "/api/ai/config",
      {
        method: "PUT",
        token: tenant.accessToken,
        json: { providerApiKey: "sk-live-very-secret", monthlyTokenBudget: 5000 },
      },
      200,
    );
    expect(saved).toMatchObject({ providerApiKeySet: true, monthlyTokenBudget: 5000 });
    expect(JSON.stringify(saved)).not.toContain("sk-live");
    expect(
      JSON.stringify(await callJson("/api/ai/config", { token: tenant.accessToken }, 200)),
    ).not.toContain("sk-live");
    const { db, close } = openDatabase(loadConfig(env));
    const [row] = await db.select().from(aiSettings).where(eq(aiSettings.tenantId, tenant.tenant.id));
    await close();
    expect(row?.providerApiKeyEncrypted).toMatch(/^v1\./);
    expect(row?.providerApiKeyEncrypted).not.toContain("sk-live");
  });

  it("greets the visitor when a conversation with the agent starts", async () => {
    const tenant = await registerTenant();
    const agent = await createAgent(tenant, { greeting: "Welcome to Acme!" });
    const chat = await visitorChat(tenant, agent.id);
    expect(chat.socket.frames.find(fromAi)).toMatchObject({ seq: 1, text: "Welcome to Acme!" });
  });

  it("tests an agent without a conversation and reports the passages it used", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const doc = await upload(
      tenant.accessToken,
      new TextEncoder().encode("Shipping\n\nWe ship to Norway in 5 working days."),
      "shipping.txt",
    );
    await waitUntilSettled(tenant.accessToken, doc.id);
    const agent = await createAgent(tenant);
    await script(model, [
      { type: "text", chunks: ["Five working days."], usage: { prompt_tokens: 120, completion_tokens: 4 } },
    ]);
    const result = await callJson<{
      mode: string;
      reply: string;
      passages: { documentId: string }[];
      usage: { promptTokens: number };
    }>(
      `/api/agents/${agent.id}/test`,
      { token: tenant.accessToken, json: { message: "How long does shipping to Norway take?" } },
      200,
    );
    expect(result).toMatchObject({
      mode: "model",
      reply: "Five working days.",
      usage: { promptTokens: 120 },
    });
    expect(result.passages[0]?.documentId).toBe(doc.id);
  });
});

describe("training", () => {
  it("re-indexes the documents of the agent's collections only", async () => {
    const tenant = await registerTenant();
    const faq = await upload(
      tenant.accessToken,
      new TextEncoder().encode("FAQ\n\nWe open at nine."),
      "faq.txt",
      {
        collection: "faq",
      },
    );
    const other = await upload(
      tenant.accessToken,
      new TextEncoder().encode("Other\n\nUnrelated."),
      "other.txt",
    );
    const before = await waitUntilSettled(tenant.accessToken, faq.id);
    const otherBefore = await waitUntilSettled(tenant.accessToken, other.id);
    const agent = await createAgent(tenant, { collections: ["faq"] });
    const trained = await callJson<{ queued: number }>(
      `/api/agents/${agent.id}/train`,
      { method: "POST", token: tenant.accessToken },
      202,
    );
    expect(trained).toEqual({ queued: 1 });
    const after = await waitUntilSettled(tenant.accessToken, faq.id);
    expect(after.status).toBe("ready");
    expect(Date.parse(after.processedAt ?? "")).toBeGreaterThan(Date.parse(before.processedAt ?? ""));
    const otherAfter = await callJson<{ processedAt: string }>(
      `/api/documents/${other.id}`,
      { token: tenant.accessToken },
      200,
    );
    expect(otherAfter.processedAt).toBe(otherBefore.processedAt);
  });
});

describe("retrieval mode (no provider configured)", () => {
  it("answers with the best passages and their citations, and says so honestly when nothing matches", async () => {
    const tenant = await registerTenant();
    const doc = await upload(
      tenant.accessToken,
      new TextEncoder().encode(
        "Warranty\n\nEvery kettle has a two year warranty covering the heating element.",
      ),
      "warranty.txt",
    );
    await waitUntilSettled(tenant.accessToken, doc.id);
    const agent = await createAgent(tenant);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "kettle warranty" });
    const found = await chat.socket.next(fromAi);
    expect(found.text).toContain("two year warranty");
    expect(found.metadata).toMatchObject({ mode: "retrieval", citations: [{ documentId: doc.id }] });

    chat.socket.send({ type: "message", clientId: "2", text: "do you sell submarines" });
    const unknown = await chat.socket.next((f) => fromAi(f) && f.seq !== found.seq);
    expect(unknown.text).toMatch(/I don't know/);
    expect(unknown.text).toMatch(/person/);
    expect(unknown.metadata).toMatchObject({ mode: "retrieval", citations: [] });
  });
});

describe("OpenAI-compatible endpoint", () => {
  async function clientFor() {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant, { name: `helpdesk-${model}` });
    const key = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "sdk" } },
      201,
    );
    const client = new OpenAI({
      apiKey: key.key,
      baseURL: "http://switchboard.test/v1",
      fetch: (url: string | URL | Request, init?: RequestInit) =>
        exports.default.fetch(new Request(url, init)),
    });
    return { tenant, model, agent, client };
  }

  it("answers through the official openai client, without and with streaming", async () => {
    const { model, agent, client } = await clientFor();
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([agent.name]);

    await script(model, [{ type: "text", chunks: ["Hello from the agent."] }]);
    const completion = await client.chat.completions.create({
      model: agent.name,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Hello from the agent.");
    expect(completion.usage?.total_tokens).toBe(60);

    await script(model, [{ type: "text", chunks: ["Str", "eam", "ed."] }]);
    const stream = await client.chat.completions.create({
      model: agent.id,
      stream: true,
      messages: [
        { role: "system", content: "Answer in English." },
        { role: "user", content: "stream please" },
      ],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("Streamed.");
    const sent = (await requestsFor(model)).at(-1);
    expect(sent?.body.messages[0]?.content).toContain("Answer in English.");
  });

  it("refuses unknown models and other tenants' agents", async () => {
    const { client } = await clientFor();
    const other = await clientFor();
    await expect(
      client.chat.completions.create({
        model: other.agent.name,
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await call("/v1/models")).status).toBe(401);
  });
});
