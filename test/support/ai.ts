import { env } from "cloudflare:workers";
import { callJson, type TestTenant, unique } from "./api";
import { isType, mustOpen, type WsClient } from "./ws";

/** A script step for the fake OpenAI server (see test/support/node/fake-openai.ts). */
export type Scripted =
  | { type: "text"; chunks: string[]; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { type: "tool_call"; name: string; arguments: string; text?: string }
  | { type: "tool_calls"; calls: { name: string; arguments: string }[]; text?: string }
  | { type: "error"; status: number; message: string; code?: string }
  | { type: "gate"; chunks: string[]; pauseAfter: number }
  | { type: "slow"; delayMs: number; chunks: string[] };

export interface RecordedRequest {
  authorization: string;
  body: {
    model: string;
    temperature: number;
    max_tokens: number;
    stream: boolean;
    messages: { role: string; content: string }[];
    tools?: { function: { name: string } }[];
  };
}

const fake = (path: string) => `${env.FAKE_SERVICES_URL}${path}`;

/** A model name no other test uses, so its script and recorded requests are this test's alone. */
export const uniqueModel = () => `fake-model-${unique()}`;

export async function script(model: string, responses: Scripted[]): Promise<void> {
  await fetch(fake("/_test/openai/script"), { method: "POST", body: JSON.stringify({ model, responses }) });
}

export async function requestsFor(model: string): Promise<RecordedRequest[]> {
  return (await (await fetch(fake(`/_test/openai/requests?model=${model}`))).json()) as RecordedRequest[];
}

/** Waits until the fake model has received `count` requests (a gate can only be released after). */
export async function waitForRequests(
  model: string,
  count: number,
  timeoutMs = 5000,
): Promise<RecordedRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const requests = await requestsFor(model);
    if (requests.length >= count) return requests;
    if (Date.now() > deadline) throw new Error(`model ${model} got ${requests.length} of ${count} requests`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function release(model: string): Promise<void> {
  await fetch(fake("/_test/openai/release"), { method: "POST", body: JSON.stringify({ model }) });
}

/** Points the tenant's AI at the fake OpenAI-compatible server. */
export async function useFakeProvider(
  tenant: TestTenant,
  model: string,
  extra: Record<string, unknown> = {},
) {
  await callJson(
    "/api/ai/config",
    {
      method: "PUT",
      token: tenant.accessToken,
      json: {
        providerApiKey: "sk-test-tenant-key",
        defaultModel: {
          provider: "custom",
          baseUrl: fake("/openai/v1"),
          model,
          temperature: 0.2,
          maxTokens: 300,
        },
        ...extra,
      },
    },
    200,
  );
}

export async function createAgent(tenant: TestTenant, body: Record<string, unknown> = {}) {
  return callJson<{ id: string; name: string }>(
    "/api/agents",
    {
      token: tenant.accessToken,
      json: { name: `agent-${unique()}`, systemPrompt: "You are Acme's support assistant.", ...body },
    },
    201,
  );
}

export interface VisitorChat {
  socket: WsClient;
  conversationId: string;
  visitorToken: string;
  widgetKey: string;
}

/** A visitor on a page with a widget answered by `agentId`, connected to the room. */
export async function visitorChat(tenant: TestTenant, agentId: string): Promise<VisitorChat> {
  const origin = "https://shop.example.test";
  const key = await callJson<{ publicKey: string }>(
    "/api/widget-keys",
    { token: tenant.accessToken, json: { name: "site", allowedOrigins: [origin], agentId } },
    201,
  );
  const session = await callJson<{
    conversation: { id: string };
    visitorToken: string;
    ticket: { url: string };
  }>("/api/widget/sessions", { json: { widgetKey: key.publicKey }, headers: { Origin: origin } }, 200);
  const socket = await mustOpen(session.ticket.url);
  await socket.next(isType("ready"));
  return {
    socket,
    conversationId: session.conversation.id,
    visitorToken: session.visitorToken,
    widgetKey: key.publicKey,
  };
}

export { room } from "./conversations";
