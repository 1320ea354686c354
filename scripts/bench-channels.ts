// `npm run bench:channels`: Telegram webhook ingress against the running app (`wrangler dev`, a throwaway
// Postgres and the fake Bot API on loopback).
// 1. Ingress latency: BENCH_SAMPLES updates, one at a time, into chats whose room a staff socket watches:
//    the webhook's answer time and the time until the message frame arrives in the room (p50/p99).
// 2. Reliability: BENCH_DELIVERIES distinct updates over BENCH_CHATS chats, 20% of them delivered twice,
//    all shuffled and sent BENCH_CONCURRENCY at a time; then every room is read back: 0 lost, 0 duplicated.
// 3. Outbound (scripts/lib/bench-outbound.ts): the Meta webhook's answer time, and send throughput per
//    channel type (Telegram, WhatsApp, Messenger, Instagram) against the fakes. Runs before part 2.
// BENCH_RUNTIME=miniflare runs the Worker without wrangler dev's proxy (docs/benchmarks.md, Realtime).
// Ports: the fake Bot API and Graph API on 9150, wrangler dev on 9151 (inspector 9152); Postgres and its proxy pick free ones.
import { randomUUID } from "node:crypto";
import pg from "pg";
import WebSocket from "ws";
import { startFakeServices } from "../test/support/node/fake-services.ts";
import { spawnAppStack } from "./lib/app-stack.ts";
import { measureOutbound } from "./lib/bench-outbound.ts";
import { migrate } from "./lib/migrate.ts";
import { startPostgres } from "./lib/postgres.ts";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SAMPLES = num("BENCH_SAMPLES", 300);
// Deliveries before the measured ones (a fresh isolate's first requests run unoptimised code).
const WARMUP = num("BENCH_WARMUP", 50);
const DELIVERIES = num("BENCH_DELIVERIES", 10_000);
const CHATS = num("BENCH_CHATS", 100);
const CONCURRENCY = num("BENCH_CONCURRENCY", 16);
const REDELIVERED = 0.2;
const say = (line: string) => console.log(`[bench:channels] ${line}`);

const server = await startPostgres({});
await migrate(server.url);
// Results are read from Postgres (the rooms' copy), not the API: its rate limit would throttle the polling.
const sql = new pg.Pool({ connectionString: server.url, max: 2 });
// An idle client is told when the server stops at the end; that is not a failure of the run.
sql.on("error", () => {});
const fakes = await startFakeServices(9150);
const stack = await spawnAppStack({
  databaseUrl: server.url,
  vars: {
    TELEGRAM_API_BASE: `${fakes.url}/telegram`,
    META_GRAPH_BASE: `${fakes.url}/meta/bench/facebook`,
    INSTAGRAM_GRAPH_BASE: `${fakes.url}/meta/bench/instagram`,
    ALLOW_PRIVATE_OUTBOUND: "true",
  },
  port: 9151,
  inspectorPort: 9152,
  // BENCH_RUNTIME=miniflare: the deploy bundle in one workerd process, without wrangler dev's proxy.
  runtime: process.env.BENCH_RUNTIME === "miniflare" ? "miniflare" : "wrangler-dev",
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function api<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await fetch(`${stack.url}${path}`, { ...init, headers });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

let updateId = 1;
const update = (chat: number, text: string, id = updateId++) => ({
  update_id: id,
  message: {
    message_id: id,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chat, type: "private", first_name: "Bench" },
    text,
  },
});

try {
  say(`app on ${stack.url}`);
  const tenant = await api<{ accessToken: string }>("/api/auth/register", {
    method: "POST",
    headers: { "CF-Connecting-IP": "10.91.0.1" },
    body: JSON.stringify({
      tenantName: "Bench",
      name: "Bench",
      email: `bench-${randomUUID()}@example.test`,
      password: randomUUID(),
    }),
  });
  const token = `${Math.floor(Math.random() * 1e9)}:AAE-${randomUUID().replaceAll("-", "")}`;
  const channel = await api<{ id: string }>("/api/channels", {
    method: "POST",
    token: tenant.accessToken,
    body: JSON.stringify({ type: "telegram", name: "Bench bot", config: { botToken: token } }),
  });
  const calls = await (
    await fetch(`${fakes.url}/_test/telegram/calls?token=${encodeURIComponent(token)}`)
  ).json();
  const secret = String((calls as { params: { secret_token: string } }[])[0]?.params.secret_token);
  // A non-200 is retried after a second, as Telegram retries a failed delivery; counted and reported.
  let refused = 0;
  const deliver = async (body: unknown, attempt = 1): Promise<void> => {
    const response = await fetch(`${stack.url}/webhooks/telegram/${channel.id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret },
      body: JSON.stringify(body),
    });
    await response.body?.cancel();
    if (response.status === 200) return;
    refused++;
    if (attempt >= 10) throw new Error(`webhook answered ${response.status} ${attempt} times`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return deliver(body, attempt + 1);
  };
  const conversations = async () =>
    (
      await sql.query<{ id: string; ref: string }>(
        "select id, channel_contact_ref as ref from conversations where channel_id = $1",
        [channel.id],
      )
    ).rows;
  const waitFor = async <T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not done in ${timeoutMs} ms\n${stack.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  // 1. Latency: 10 chats, each room watched by a staff socket.
  const latencyChats = Array.from({ length: 10 }, (_, i) => 1_000_000 + i);
  for (const chat of latencyChats) await deliver(update(chat, "hello"));
  const opened = await waitFor(async () => {
    const found = await conversations();
    return found.length >= latencyChats.length ? found : undefined;
  }, "latency conversations");
  const arrived = new Map<string, number>();
  const sockets = await Promise.all(
    opened.map(async (c) => {
      const { url } = await api<{ url: string }>(`/api/conversations/${c.id}/ticket`, {
        method: "POST",
        token: tenant.accessToken,
      });
      const socket = new WebSocket(`${stack.url.replace(/^http/, "ws")}${url}`);
      socket.on("message", (data) => {
        const frame = JSON.parse(String(data)) as { type: string; text?: string };
        if (frame.type === "message" && frame.text?.startsWith("sample-"))
          arrived.set(frame.text, performance.now());
      });
      await new Promise((resolve) => socket.once("open", resolve));
      return socket;
    }),
  );
  const answered: number[] = [];
  const toRoom: number[] = [];
  for (let i = -WARMUP; i < SAMPLES; i++) {
    const text = `sample-${i}`;
    const started = performance.now();
    await deliver(update(latencyChats[(i + WARMUP) % latencyChats.length] ?? 0, text));
    const answer = performance.now() - started;
    const at = await waitFor(async () => arrived.get(text), text, 30_000);
    if (i < 0) continue;
    answered.push(answer);
    toRoom.push(at - started);
  }
  for (const socket of sockets) socket.close();
  const slowest = answered
    .map((value, index) => ({ value, index }))
    .sort((a, b) => b.value - a.value)
    .slice(0, 5)
    .map(({ value, index }) => `#${index} ${ms(value)}`);
  say(
    `ingress answer (${SAMPLES} updates one at a time, after ${WARMUP} unmeasured): p50 ${ms(percentile(answered, 50))}, p99 ${ms(percentile(answered, 99))}; slowest ${slowest.join(", ")}`,
  );
  say(`ingress to message in the room: p50 ${ms(percentile(toRoom, 50))}, p99 ${ms(percentile(toRoom, 99))}`);

  // 3. Outbound throughput per type (before the long part 2, whose backlog would share the queue).
  await measureOutbound({
    appUrl: stack.url,
    fakesUrl: fakes.url,
    api,
    accessToken: tenant.accessToken,
    say,
    percentile,
  });

  // 2. Reliability: distinct updates, 20% redelivered, shuffled.
  const firstId = updateId;
  const updates = Array.from({ length: DELIVERIES }, (_, i) => update(2_000_000 + (i % CHATS), `bulk-${i}`));
  const sends = [...updates, ...updates.filter(() => Math.random() < REDELIVERED)];
  for (let i = sends.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [sends[i], sends[j]] = [sends[j] as (typeof sends)[number], sends[i] as (typeof sends)[number]];
  }
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < sends.length) await deliver(sends[next++]);
    }),
  );
  const sentSeconds = (performance.now() - started) / 1000;
  say(`${refused} webhook answers were not 200 (retried after 1 s, as the platform would)`);
  say(
    `${sends.length} deliveries (${sends.length - DELIVERIES} redelivered) accepted in ${sentSeconds.toFixed(1)} s (${(sends.length / sentSeconds).toFixed(0)}/s)`,
  );
  const count = async () => {
    const { rows } = await sql.query<{ text: string; conversation: string }>(
      `select m.text, m.conversation_id as conversation from messages m
       join conversations c on c.id = m.conversation_id
       where c.channel_id = $1 and m.text like 'bulk-%'`,
      [channel.id],
    );
    return { texts: rows.map((r) => r.text), conversations: new Set(rows.map((r) => r.conversation)).size };
  };
  let lastCount = -1;
  let quietSince = Date.now();
  const result = await waitFor(
    async () => {
      const counted = await count();
      if (counted.texts.length !== lastCount) {
        lastCount = counted.texts.length;
        quietSince = Date.now();
      }
      // Done when all arrived, or nothing more arrived for 60 s (the rest is lost).
      return counted.texts.length >= DELIVERIES || Date.now() - quietSince > 60_000 ? counted : undefined;
    },
    "bulk deliveries",
    1_800_000,
  );
  const handledSeconds = (performance.now() - started) / 1000;
  // Dead-lettered deliveries are lost for good; the rest of a shortfall may be late (a room's copy to
  // Postgres backing off), which this read cannot tell apart.
  const { rows: dead } = await sql.query<{ n: number }>(
    "select dead_letters as n from channels where id = $1",
    [channel.id],
  );
  say(`dead-lettered deliveries on the channel: ${dead[0]?.n ?? "?"}`);
  const unique = new Set(result.texts);
  say(
    `handled in ${handledSeconds.toFixed(1)} s (${(DELIVERIES / handledSeconds).toFixed(0)} messages/s) over ${result.conversations} conversations: ` +
      `${DELIVERIES - unique.size} lost, ${result.texts.length - unique.size} duplicated (update ids ${firstId}…${updateId - 1})`,
  );
} finally {
  await stack.stop();
  await fakes.close();
  await sql.end();
  await server.stop();
}
