// `npm run bench:rest`: REST reads under the shared load driver (../shared/bench, or BENCH_SHARED), beside
// its Node peer (Express + pg pool) measured in the same run. For each Switchboard build — the "before"
// (git ref BENCH_BEFORE, default main; "none" skips it) and this checkout — it starts the app stack
// (throwaway PostgreSQL, migrations, the db proxy, `wrangler dev` on a snapshot) and runs, with
// BENCH_CONNECTIONS (32) keep-alive connections for BENCH_DURATION (10) s each:
//   history: the driver's http scenario, GET /api/conversations/:id/messages?limit=50 (64 API keys);
//   list:    GET /api/conversations?limit=25 as a signed-in user (30 conversations in the tenant),
//            with the driver's own autocannon and CPU accounting.
// The per-principal API limit (100/min) is raised in the snapshot's wrangler.toml so that no run
// measures 429s (the limiter is still asked on every request). The peer runs first and last.
// BENCH_RUNTIME=miniflare runs both builds without wrangler dev's proxy (docs/benchmarks.md).
// The floor (scripts/bench-floor/rest-worker.js: a bearer key checked with one indexed query over the
// same HTTP /sql path, 50 messages from a Durable Object's SQLite, JSON) runs the history's load on the
// same stack and runtime after this checkout: what this runtime can do at all on this machine.
// Ports: 9801 (peer), 9802 (its Postgres), 9810–9825 (wrangler dev or Miniflare, and inspectors).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type SpawnedAppStack, spawnAppStack } from "./lib/app-stack.ts";
import { saveProfile, startProfiler } from "./lib/cpu-profile.ts";
import { startPostgres } from "./lib/postgres.ts";
import { descendants } from "./lib/proc-tree.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const BEFORE = process.env.BENCH_BEFORE ?? "main";
const SHARED = process.env.BENCH_SHARED ?? join(root, "..", "..", "shared", "bench");
const LIST_CONVERSATIONS = 30;
/** BENCH_PROFILE=1: CPU profiles of workerd during this checkout's loads (/tmp/bench-rest-*.cpuprofile). */
const PROFILE = Boolean(process.env.BENCH_PROFILE);
/** BENCH_RUNTIME=miniflare: the deploy bundle in one workerd process, without wrangler dev's proxy. */
const RUNTIME = process.env.BENCH_RUNTIME === "miniflare" ? "miniflare" : "wrangler-dev";

interface Latency {
  p50: number | null;
  p99: number | null;
}
interface Row {
  run: string;
  reqPerS: number;
  latency: Latency;
  errors: number;
  /** CPU ms per 2xx response by process set (server, postgres, dbproxy, wrangler). */
  cpuMsPerReq: Record<string, number>;
}
type Cpu = Record<string, number | null>;
type Get = { method: "GET"; path: string; headers: Record<string, string> };
/** Wraps a timed load (e.g. in a CPU profile). */
type Around = <T>(load: () => Promise<T>) => Promise<T>;
interface DriverLib {
  withCpu<T>(
    pids: Record<string, number[]>,
    fn: (mark: () => void) => Promise<T>,
  ): Promise<T & { cpu_load: Cpu }>;
  summarize(values: Float64Array): Latency;
}
type Autocannon = (opts: Record<string, unknown>) => AutocannonRun;
interface AutocannonRun
  extends PromiseLike<{ "2xx": number; duration: number; errors: number; non2xx: number }> {
  on(event: "response", cb: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}

const work = mkdtempSync(join(tmpdir(), "bench-rest-"));
const cleanups: Array<() => Promise<void>> = [];
process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

async function stopAll() {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}

/** The shared driver and peer, copied (the shared folder is read-only) with their dependencies. */
function prepareDriver(): string {
  const bench = join(work, "bench");
  cpSync(SHARED, bench, { recursive: true });
  execFileSync("chmod", ["-R", "u+w", bench]);
  for (const dir of ["load", "peer-socketio"]) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--silent"], {
      cwd: join(bench, dir),
      stdio: "inherit",
    });
  }
  return bench;
}

/** The process sets the driver accounts CPU for, as run-switchboard.sh names them. */
function stackPids(stack: SpawnedAppStack): Record<string, number[]> {
  const tree = descendants(stack.pid ?? 0);
  const runner = tree.find((p) => p.ppid === stack.pid && p.comm === "node");
  const postmaster = tree.find((p) => p.ppid === runner?.pid && p.comm === "postgres");
  const wrangler = tree.find((p) => p.ppid === runner?.pid && p.comm === "node");
  const workerd = tree.filter((p) => p.comm === "workerd").map((p) => p.pid);
  // Under BENCH_RUNTIME=miniflare workerd runs in the stack's own process: there is no wrangler.
  if (!postmaster || (!wrangler && RUNTIME === "wrangler-dev") || workerd.length === 0)
    throw new Error("could not find the stack's processes");
  return {
    server: workerd,
    ...(wrangler ? { wrangler: [wrangler.pid] } : {}),
    postgres: [postmaster.pid],
    dbproxy: [stack.pid ?? 0],
  };
}

const cpuArg = (pids: Record<string, number[]>) =>
  Object.entries(pids)
    .map(([name, list]) => `${name}=${list.join("+")}`)
    .join(",");

/** Runs the shared driver's http scenario (history reads) and returns its figures. */
async function driverHistory(
  bench: string,
  run: string,
  url: string,
  transport: string,
  pids: Record<string, number[]>,
) {
  const args = [
    join(bench, "load", "index.js"),
    "--url",
    url,
    "--transport",
    transport,
    "--scenarios",
    "http",
  ];
  args.push("--connections", String(CONNECTIONS), "--duration", String(DURATION), "--cpu", cpuArg(pids));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise((resolve) => child.on("close", resolve));
  const line = JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
  if (line.error || line.ok === undefined) throw new Error(`${run}: the driver failed: ${line.error ?? out}`);
  return {
    run,
    reqPerS: line.req_per_s,
    latency: line.latency_ms,
    errors: line.errors,
    cpuMsPerReq: line.cpu_ms_per_req,
  } satisfies Row;
}

async function api(url: string, path: string, init: { token?: string; json?: unknown }, expect: number) {
  const response = await fetch(new URL(path, url), {
    method: init.json === undefined ? "GET" : "POST",
    headers: {
      "content-type": "application/json",
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  if (response.status !== expect) throw new Error(`${path}: HTTP ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/**
 * `requests` under the driver's autocannon (CONNECTIONS × DURATION, each connection its own share of
 * the list as the driver's http scenario gives it) with its CPU accounting.
 */
async function autocannonLoad(
  bench: string,
  run: string,
  url: string,
  pids: Record<string, number[]>,
  requests: Get[],
  around: Around = (load) => load(),
) {
  const lib: DriverLib = await import(join(bench, "load", "lib.js"));
  const autocannon: Autocannon = (
    await import(join(bench, "load", "node_modules", "autocannon", "autocannon.js"))
  ).default;
  const latencies: number[] = [];
  let next = 0;
  const result = await around(() =>
    lib.withCpu(pids, async (mark) => {
      mark();
      const load = autocannon({
        url,
        connections: CONNECTIONS,
        duration: DURATION,
        timeout: 10,
        requests,
        setupClient: (client: { setRequests(r: unknown[]): void }) => {
          const c = next++;
          const mine = requests.filter((_, i) => i % CONNECTIONS === c % CONNECTIONS);
          client.setRequests(mine.length ? mine : [requests[c % requests.length]]);
        },
      });
      load.on("response", (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) latencies.push(ms);
      });
      return await load;
    }),
  );
  const ok = result["2xx"];
  const cpuMsPerReq = Object.fromEntries(
    Object.entries(result.cpu_load)
      .filter(
        ([name, seconds]) =>
          seconds !== null && name.endsWith("_s") && !/^(wall|machine_busy|other)_s$/.test(name),
      )
      .map(([name, seconds]) => [name.slice(0, -2), Math.round(((seconds ?? 0) * 1e6) / ok) / 1e3]),
  );
  return {
    run,
    reqPerS: Math.round((ok / result.duration) * 10) / 10,
    latency: lib.summarize(Float64Array.from(latencies)),
    errors: result.errors + result.non2xx,
    cpuMsPerReq,
  } satisfies Row;
}

/** GET /api/conversations as a signed-in user (set up first, not measured). */
async function listLoad(
  bench: string,
  run: string,
  url: string,
  pids: Record<string, number[]>,
  around?: Around,
) {
  const email = `bench-${Date.now()}@example.test`;
  const session = await api(
    url,
    "/api/auth/register",
    { json: { tenantName: "Bench list", name: "Bench", email, password: "bench-password-123" } },
    201,
  );
  const token: string = session.accessToken;
  for (let i = 0; i < LIST_CONVERSATIONS; i++)
    await api(url, "/api/conversations", { token, json: { channel: "bench" } }, 201);
  const path = "/api/conversations?limit=25";
  const page = await api(url, path, { token }, 200);
  if (page.data?.length !== 25) throw new Error(`${run}: the list returned ${page.data?.length} rows`);
  const headers = { authorization: `Bearer ${token}` };
  return autocannonLoad(bench, run, url, pids, [{ method: "GET", path, headers }], around);
}

/**
 * The history's load set up here rather than by the driver (for a profile of the load alone): 4
 * conversations × 60 messages posted over REST, read with 64 API keys, the newest 50.
 */
async function historyLoad(
  bench: string,
  run: string,
  url: string,
  pids: Record<string, number[]>,
  around?: Around,
) {
  const email = `bench-h-${Date.now()}@example.test`;
  const { accessToken: token } = await api(
    url,
    "/api/auth/register",
    { json: { tenantName: "Bench history", name: "Bench", email, password: "bench-password-123" } },
    201,
  );
  const ids: string[] = [];
  for (let c = 0; c < 4; c++) {
    const { id } = await api(url, "/api/conversations", { token, json: { channel: "bench" } }, 201);
    for (let i = 0; i < 60; i++)
      await api(url, `/api/conversations/${id}/messages`, { token, json: { text: `seed ${c}/${i}` } }, 201);
    ids.push(id);
  }
  const requests: Get[] = [];
  for (let k = 0; k < 64; k++) {
    const { key } = await api(url, "/api/api-keys", { token, json: { name: `bench ${k}` } }, 201);
    for (const id of ids)
      requests.push({
        method: "GET",
        path: `/api/conversations/${id}/messages?limit=50`,
        headers: { authorization: `Bearer ${key}` },
      });
  }
  return autocannonLoad(bench, run, url, pids, requests, around);
}

/**
 * The floor (scripts/bench-floor/rest-worker.js) on the same stack as the app: the history read's
 * shape (4 conversations × 60 messages, 64 API keys, the newest 50) with the least work per request.
 */
async function runFloor(bench: string, port: number): Promise<Row> {
  const config = join(root, "scripts", "bench-floor", "rest.wrangler.toml");
  const stack = await spawnAppStack({ config, port, inspectorPort: port + 1, runtime: RUNTIME }, 180_000);
  cleanups.push(stack.stop);
  try {
    const keys = Array.from({ length: 64 }, (_, i) => `floor_${i}_${crypto.randomUUID()}`);
    const conversations = Array.from({ length: 4 }, () => crypto.randomUUID());
    const seed = { tenantId: crypto.randomUUID(), keys, conversations, messages: 60 };
    await api(stack.url, "/seed", { json: seed }, 201);
    const requests = keys.flatMap((key) =>
      conversations.map(
        (id): Get => ({
          method: "GET",
          path: `/api/conversations/${id}/messages?limit=50`,
          headers: { authorization: `Bearer ${key}` },
        }),
      ),
    );
    const page = await api(stack.url, requests[0]?.path ?? "", { token: keys[0] }, 200);
    if (page.data?.length !== 50) throw new Error(`floor: the history returned ${page.data?.length} rows`);
    return await autocannonLoad(bench, "floor: history", stack.url, stackPids(stack), requests);
  } finally {
    await stack.stop();
  }
}

async function runPeer(bench: string, run: string): Promise<Row> {
  const db = await startPostgres({ port: 9802 });
  const postmaster = descendants(process.pid).find((p) => p.ppid === process.pid && p.comm === "postgres");
  const server = spawn(process.execPath, [join(bench, "peer-socketio", "server.js")], {
    env: { ...process.env, NODE_ENV: "production", PORT: "9801", HOST: "127.0.0.1", DATABASE_URL: db.url },
    stdio: "ignore",
  });
  try {
    const url = "http://127.0.0.1:9801";
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!postmaster || !server.pid) throw new Error("peer: no postmaster or server pid");
    return await driverHistory(bench, run, url, "socketio", {
      server: [server.pid],
      postgres: [postmaster.pid],
    });
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await db.stop();
  }
}

/** Both Switchboard scenarios on one stack built from `source` (a checkout or an extracted tree). */
async function runSwitchboard(bench: string, name: string, source: string, port: number): Promise<Row[]> {
  const stack = await spawnAppStack(
    { source, apiRateLimit: 1_000_000, port, inspectorPort: port + 1, runtime: RUNTIME },
    180_000,
  );
  cleanups.push(stack.stop);
  try {
    const pids = stackPids(stack);
    // Profiles cover a load only, not its set-up (keys, conversations, messages).
    const profiled =
      (what: string): Around =>
      async (load) => {
        const profiler = await startProfiler(port + 1);
        const result = await load();
        await saveProfile(profiler, `/tmp/bench-rest-${what}.cpuprofile`, what, (line) =>
          console.error(line),
        );
        return result;
      };
    const history = await driverHistory(bench, `${name}: history`, stack.url, "ws", pids);
    const list = await listLoad(bench, `${name}: list`, stack.url, pids);
    if (PROFILE && source === root) {
      // Profiled apart, after their set-up (the driver's seeding would be in a profile of its run).
      await historyLoad(bench, `${name}: history (profiled)`, stack.url, pids, profiled("history"));
      await listLoad(bench, `${name}: list (profiled)`, stack.url, pids, profiled("list"));
    }
    return [history, list];
  } finally {
    await stack.stop();
  }
}

/** The tree of git ref `ref` (what the Worker is built from), extracted into the work dir. */
function extractRef(ref: string): string {
  const dir = join(work, `ref-${ref.replace(/\W/g, "_")}`);
  mkdirSync(dir);
  const archive = join(work, "ref.tar");
  const tree = ["src", "wrangler.toml", "package.json", "tsconfig.json"];
  execFileSync("git", ["-C", root, "archive", "-o", archive, ref, ...tree]);
  execFileSync("tar", ["-x", "-f", archive, "-C", dir]);
  return dir;
}

function print(rows: Row[]) {
  const peer = rows.filter((r) => r.run.startsWith("peer"));
  const peerRate = peer.reduce((sum, r) => sum + r.reqPerS, 0) / peer.length;
  const peerP99 = Math.max(...peer.map((r) => r.latency.p99 ?? 0));
  const mean = (list: Row[], f: (r: Row) => number) => list.reduce((sum, r) => sum + f(r), 0) / list.length;
  // The server's own CPU per request (workerd, or the peer's Node), without Postgres, proxies or driver.
  const server = (r: Row) => r.cpuMsPerReq.server ?? 0;
  const peerCpu = mean(peer, server);
  const floor = rows.find((r) => r.run.startsWith("floor"));
  const total = (r: Row) => Object.values(r.cpuMsPerReq).reduce((sum, ms) => sum + ms, 0);
  console.log(`\n${CONNECTIONS} connections × ${DURATION} s; peer = Node (Express + pg pool) history reads`);
  console.log(
    "| run | req/s | × peer | p50 / p99 ms | errors | server CPU ms/req: × peer, × floor | CPU ms per request (total: by process) |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const parts = Object.entries(r.cpuMsPerReq)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    const ratio = (r.reqPerS / peerRate).toFixed(2);
    const cpu = `${server(r)}: ${(server(r) / peerCpu).toFixed(1)}×, ${floor ? (server(r) / server(floor)).toFixed(1) : "–"}×`;
    console.log(
      `| ${r.run} | ${r.reqPerS} | ${ratio} | ${r.latency.p50} / ${r.latency.p99} | ${r.errors} | ${cpu} | ${total(r).toFixed(2)}: ${parts} |`,
    );
  }
  const after = rows.filter((r) => r.run.startsWith("this checkout"));
  const history = after.find((r) => r.run.endsWith("history"));
  const list = after.find((r) => r.run.endsWith("list"));
  if (history && list) {
    const h = history.reqPerS / peerRate;
    console.log(
      `\ntargets: history ${h.toFixed(2)}× the peer (≥ 2×), p99 ${history.latency.p99} vs the peer's ` +
        `${peerP99} ms (no worse); list ${(list.reqPerS / peerRate).toFixed(2)}× the peer's history (≥ 1×)`,
    );
  }
  if (floor)
    console.log(
      `floor: ${(floor.reqPerS / peerRate).toFixed(2)}× the peer's req/s, p99 ${floor.latency.p99} ms, ` +
        `${server(floor)} ms of workerd per read (${(server(floor) / peerCpu).toFixed(1)}× the peer's Node)`,
    );
}

try {
  const bench = prepareDriver();
  const rows: Row[] = [await runPeer(bench, "peer (first)")];
  if (BEFORE !== "none")
    rows.push(...(await runSwitchboard(bench, `before (${BEFORE})`, extractRef(BEFORE), 9810)));
  rows.push(...(await runSwitchboard(bench, "this checkout", root, 9820)));
  rows.push(await runFloor(bench, 9824));
  rows.push(await runPeer(bench, "peer (last)"));
  print(rows);
} finally {
  await stopAll();
}
