// `npm run bench:analytics`: dashboard latency over 1,000,000 analytics events (90 days, one tenant).
// A throwaway PostgreSQL 15 (port 9410), migrations, the db proxy and `wrangler dev` (port 9411) on
// loopback; events are generated in SQL (62,500 conversations × 16 events: created, messages, AI
// answers, handoffs or AI resolutions, human replies, resolutions, CSAT, delivery failures). Then
// p50/p99 of `GET /api/dashboards/:id/data` (the default dashboard, last 30 days) and
// `GET /api/analytics/dashboard`, first on raw events only, then with the daily rollups rebuilt.
// `GET /health` and the metric catalog (authentication, no data) are timed beside them as the floor.
// Options: BENCH_DATABASE_URL (another Postgres), BENCH_EVENTS (default 1,000,000), BENCH_REQUESTS
// (per endpoint and phase, default 200), BENCH_PORT (first of four loopback ports, default 9410),
// BENCH_RUNTIME=miniflare (the Worker without wrangler dev's proxy; docs/benchmarks.md, Realtime).
import pg from "pg";
import { spawnAppStack } from "./lib/app-stack.ts";
import { proxyTarget, startDbProxy } from "./lib/db-proxy.ts";
import { migrate } from "./lib/migrate.ts";
import { startPostgres } from "./lib/postgres.ts";

// The Worker's modules are loaded by path at run time (their types refer to Workers globals).
interface WorkerModules {
  client: {
    openDatabase(config: { DATABASE_URL: string; DB_PROXY_URL: string }): {
      db: unknown;
      close(): Promise<void>;
    };
  };
  rollups: {
    rebuildRollups(
      db: unknown,
      options: { fromDay: string; toDay: string; tenantId?: string },
    ): Promise<{ rows: number }>;
  };
}
const load = <K extends keyof WorkerModules>(path: string) => import(path) as Promise<WorkerModules[K]>;
const { openDatabase } = await load<"client">("../src/db/client.ts");
const { rebuildRollups } = await load<"rollups">("../src/features/analytics/rollups.ts");

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 10;
// The API allows 100 requests a minute per principal: each API key takes at most 80 in a row.
const PER_KEY = 80;
const say = (line: string) => console.log(`[bench:analytics] ${line}`);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const PORT = Number(process.env.BENCH_PORT ?? 9410);
const server = await startPostgres({ url: process.env.BENCH_DATABASE_URL, port: PORT });
await migrate(server.url);
const proxy = await startDbProxy({ target: proxyTarget(server.url), port: PORT + 3 });
const stack = await spawnAppStack({
  databaseUrl: server.url,
  port: PORT + 1,
  inspectorPort: PORT + 2,
  runtime: process.env.BENCH_RUNTIME === "miniflare" ? "miniflare" : "wrangler-dev",
});
const client = new pg.Client({ connectionString: server.url });
await client.connect();
const cleanup = async () => {
  await client.end().catch(() => {});
  await stack.stop();
  await proxy.close();
  await server.stop();
};

/** Inserts EVENTS events for the tenant in one statement: 16 per conversation, spread over 90 days. */
async function seed(tenantId: string) {
  const started = performance.now();
  await client.query(
    `insert into analytics_events (id, tenant_id, key, conversation_id, name, actor, channel, agent_id, user_id, value_s, value_bh_s, dims, at)
    select gen_random_uuid(), $1, 'bench:' || g, md5('c' || c)::uuid, n.name, n.actor,
      (array['web', 'whatsapp', 'telegram', 'email'])[1 + c % 4],
      md5('agent' || (c % 3))::uuid,
      case when n.actor = 'human' or n.name = 'conversation_resolved' then md5('user' || (c % 20))::uuid end,
      case when n.name in ('first_human_reply', 'reply') and n.actor = 'human' then 30 + (g * 7919) % 3600
           when n.name = 'conversation_resolved' then 600 + (g * 104729) % 86400
           when n.name = 'csat_response' then 1 + c % 5
           when n.name = 'ai_answer' then 2 + c % 9 end,
      case when n.name in ('first_human_reply', 'reply') and n.actor = 'human' then (30 + (g * 7919) % 3600) / 2
           when n.name = 'conversation_resolved' then (600 + (g * 104729) % 86400) / 3 end,
      case when n.name = 'ai_answer' then jsonb_build_object('citations', c % 4)
           when n.name = 'channel_delivery_failed' then jsonb_build_object('code', (array['131047', '470', '131026'])[1 + c % 3])
           else '{}'::jsonb end,
      now() - interval '90 days' + (c * interval '90 days' / ($2::bigint / 16)) + (s * (1 + c % 5)) * interval '1 minute'
    from generate_series(0, $2::bigint - 1) g
    cross join lateral (select g / 16 as c, g % 16 as s) k
    cross join lateral (select
      (case s when 0 then 'conversation_created' when 1 then 'message_in' when 2 then 'ai_answer' when 3 then 'reply'
        when 4 then 'message_in'
        when 5 then case when c % 3 = 0 then 'handoff' when c % 3 = 1 then 'ai_resolution_assumed' else 'ai_resolution_confirmed' end
        when 6 then 'message_in' when 7 then 'first_human_reply' when 8 then 'reply' when 9 then 'message_in'
        when 10 then 'reply' when 11 then 'conversation_resolved' when 12 then 'csat_sent'
        when 13 then case when c % 2 = 0 then 'csat_response' else 'message_out' end
        when 14 then 'message_out'
        else case when c % 10 = 0 then 'channel_delivery_failed' else 'message_in' end end) as name,
      (case when s in (2, 3) then 'ai' when s in (1, 4, 6, 7, 8, 9, 10) then 'human' else 'system' end) as actor) n`,
    [tenantId, EVENTS],
  );
  await client.query(
    `insert into conversations (id, tenant_id, status, channel)
     select gen_random_uuid(), $1, (array['open', 'pending_human', 'with_human', 'resolved'])[1 + g % 4], (array['web', 'whatsapp'])[1 + g % 2]
     from generate_series(1, 5000) g`,
    [tenantId],
  );
  // What autovacuum does to a freshly filled table (its insert threshold): statistics, and the
  // visibility map that lets the metric queries read the covering index alone.
  await client.query("vacuum analyze analytics_events");
  await client.query("vacuum analyze conversations");
  return performance.now() - started;
}

try {
  say(
    `app on ${stack.url} (${process.env.BENCH_RUNTIME === "miniflare" ? "miniflare" : "wrangler dev"}), ${server.kind} Postgres`,
  );
  const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
    const response = await fetch(`${stack.url}${path}`, { ...init, headers });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const session = (await api("/api/auth/register", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      tenantName: "Bench",
      name: "Admin",
      email: "bench@example.test",
      password: `pw-${crypto.randomUUID()}`,
    }),
  })) as { accessToken: string; tenant: { id: string } };
  const tenantId = session.tenant.id;
  const keys: string[] = [];
  for (let i = 0; i < Math.ceil((8 * (REQUESTS + WARMUP)) / PER_KEY) + 1; i++) {
    const created = (await api("/api/api-keys", {
      method: "POST",
      token: session.accessToken,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: `bench-${i}` }),
    })) as { key: string };
    keys.push(created.key);
  }
  let used = 0;
  const token = () => keys[Math.floor(used++ / PER_KEY) % keys.length];

  const seedMs = await seed(tenantId);
  const { rows } = await client.query<{ n: string }>(
    "select count(*) as n from analytics_events where tenant_id = $1",
    [tenantId],
  );
  say(`seeded ${rows[0]?.n} events in ${(seedMs / 1000).toFixed(1)} s`);

  const dashboards = (await api("/api/dashboards", { token: session.accessToken })) as {
    data: { id: string }[];
  };
  const dashboardId = dashboards.data[0]?.id;
  const endpoints = {
    "GET /health (floor)": "/health",
    "GET /api/analytics/metrics (floor: authentication, no data)": "/api/analytics/metrics",
    "GET /api/dashboards/:id/data (default dashboard, 30 days)": `/api/dashboards/${dashboardId}/data`,
    "GET /api/analytics/dashboard (30 days)": "/api/analytics/dashboard",
  };
  const measure = async (phase: string) => {
    for (const [name, path] of Object.entries(endpoints)) {
      for (let i = 0; i < WARMUP; i++) await api(path, { token: token() });
      const timings: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        await api(path, { token: token() });
        timings.push(performance.now() - started);
      }
      say(
        `${phase} · ${name}: p50 ${percentile(timings, 50).toFixed(1)} ms, p99 ${percentile(timings, 99).toFixed(1)} ms (n=${REQUESTS})`,
      );
    }
  };
  await measure("raw events");

  const { db, close } = openDatabase({ DATABASE_URL: server.url, DB_PROXY_URL: proxy.url });
  const today = new Date().toISOString().slice(0, 10);
  const day = (offset: number) =>
    new Date(Date.parse(today) + offset * 86_400_000).toISOString().slice(0, 10);
  const started = performance.now();
  const built = await rebuildRollups(db, { fromDay: day(-91), toDay: day(-1), tenantId });
  await close();
  // What autovacuum does after the rebuild's inserts (as after seeding): the rates' index-only scans.
  await client.query("vacuum analyze analytics_rollups");
  await client.query("vacuum analyze analytics_conversation_days");
  say(
    `rollups rebuilt for 91 days (${built.rows} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await measure("with rollups");
} finally {
  await cleanup();
}
