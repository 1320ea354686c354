// `npm run bench:ai`: what the room adds to a streamed AI reply. A local OpenAI-compatible server
// streams a fixed reply; we measure, through `wrangler dev` on loopback, the time from a visitor's
// message to the first `ai.delta` and the extra time per delta, next to the same stream read directly.

import { startFakeServices } from "../test/support/node/fake-services.ts";
import { spawnAppStack } from "./lib/app-stack.ts";

const REPLIES = Number(process.env.BENCH_REPLIES ?? 30);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 50);
const ORIGIN = "http://bench.invalid";

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await fetch(url, { ...init, headers });
  if (!response.ok)
    throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const fake = await startFakeServices();
const stack = await spawnAppStack();
try {
  const api = stack.url;
  const model = `bench-${Date.now()}`;
  const reply = Array.from({ length: CHUNKS }, (_, i) => `word${i} `);
  const script = () =>
    json(`${fake.url}/_test/openai/script`, {
      method: "POST",
      body: JSON.stringify({ model, responses: [{ type: "text", chunks: reply }] }),
    });

  const session = await json<{ accessToken: string }>(`${api}/api/auth/register`, {
    method: "POST",
    body: JSON.stringify({
      tenantName: "Bench",
      name: "Bench",
      email: `bench-${Date.now()}@example.test`,
      password: "bench password 1",
    }),
  });
  const token = session.accessToken;
  await json(`${api}/api/ai/config`, {
    method: "PUT",
    token,
    body: JSON.stringify({
      providerApiKey: "sk-bench",
      defaultModel: {
        provider: "custom",
        baseUrl: `${fake.url}/openai/v1`,
        model,
        temperature: 0,
        maxTokens: 500,
      },
    }),
  });
  const agent = await json<{ id: string }>(`${api}/api/agents`, {
    method: "POST",
    token,
    body: JSON.stringify({ name: "bench" }),
  });
  const key = await json<{ publicKey: string }>(`${api}/api/widget-keys`, {
    method: "POST",
    token,
    body: JSON.stringify({ name: "bench", allowedOrigins: [ORIGIN], agentId: agent.id }),
  });

  // Baseline: the same stream read straight from the fake provider.
  const direct: { first: number; total: number }[] = [];
  for (let i = 0; i < REPLIES; i++) {
    await script();
    const started = performance.now();
    const response = await fetch(`${fake.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: "Bearer sk-bench", "Content-Type": "application/json" },
      body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const reader = response.body?.getReader();
    let first = 0;
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      if (!first && new TextDecoder().decode(value).includes('"content":"word'))
        first = performance.now() - started;
    }
    direct.push({ first, total: performance.now() - started });
  }

  const room: { first: number; stream: number; stored: number }[] = [];
  for (let i = 0; i < REPLIES; i++) {
    await script();
    const visitor = await json<{ ticket: { url: string } }>(`${api}/api/widget/sessions`, {
      method: "POST",
      headers: { Origin: ORIGIN },
      body: JSON.stringify({ widgetKey: key.publicKey }),
    });
    const socket = new WebSocket(`${api.replace("http", "ws")}${visitor.ticket.url}`);
    const result = await new Promise<{ first: number; stream: number; stored: number }>((resolve, reject) => {
      let sent = 0;
      let first = 0;
      let last = 0;
      const timer = setTimeout(() => reject(new Error("no reply within 30 s")), 30_000);
      socket.addEventListener("message", (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string; sender?: { kind: string } };
        const now = performance.now();
        if (frame.type === "ready") {
          sent = performance.now();
          socket.send(JSON.stringify({ type: "message", clientId: `q${i}`, text: "hello" }));
        } else if (frame.type === "ai.delta") {
          if (!first) first = now;
          last = now;
        } else if (frame.type === "message" && frame.sender?.kind === "ai") {
          clearTimeout(timer);
          resolve({ first: first - sent, stream: last - first, stored: now - sent });
        }
      });
      socket.addEventListener("error", () => reject(new Error("socket error")));
    });
    socket.close();
    room.push(result);
  }

  const directStream = direct.map((d) => d.total - d.first);
  const perDelta = room.map((r, i) => (r.stream - (directStream[i] ?? 0)) / (CHUNKS - 1));
  console.log(
    `AI replies through the room: ${REPLIES} replies × ${CHUNKS} deltas, wrangler dev on loopback (${stack.databaseKind} Postgres)`,
  );
  console.log(
    `  direct from provider: first chunk p50 ${ms(
      pct(
        direct.map((d) => d.first),
        50,
      ),
    )}, whole stream p50 ${ms(
      pct(
        direct.map((d) => d.total),
        50,
      ),
    )}`,
  );
  console.log(
    `  time to first delta (send → first ai.delta): p50 ${ms(
      pct(
        room.map((r) => r.first),
        50,
      ),
    )}  p90 ${ms(
      pct(
        room.map((r) => r.first),
        90,
      ),
    )}  max ${ms(Math.max(...room.map((r) => r.first)))}`,
  );
  console.log(
    `  send → stored reply: p50 ${ms(
      pct(
        room.map((r) => r.stored),
        50,
      ),
    )}  p90 ${ms(
      pct(
        room.map((r) => r.stored),
        90,
      ),
    )}`,
  );
  console.log(`  per-delta overhead vs direct: p50 ${ms(pct(perDelta, 50))}  p90 ${ms(pct(perDelta, 90))}`);
} finally {
  await stack.stop();
  await fake.close();
}
