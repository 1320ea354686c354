// The whole app on loopback for browser tests and benchmarks: Postgres, migrations, the db proxy and
// `wrangler dev` on free ports, with throwaway state. Run it in-process with startAppStack(), or as a quiet
// child process with spawnAppStack() (wrangler's output is kept for error messages instead of printed).
// Unlike `npm run dev`, wrangler runs on a snapshot of the Worker's sources: an edit saved mid-run must not
// rebuild and restart workerd under a test or a benchmark (that drops every socket and in-memory room).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { buildConsole } from "../build-console.ts";
import { proxyTarget, startDbProxy } from "./db-proxy.ts";
import { writeEnvFile } from "./dev-env.ts";
import { freePort } from "./free-port.ts";
import { migrate } from "./migrate.ts";
import { startMiniflareApp } from "./miniflare-app.ts";
import { startPostgres } from "./postgres.ts";
import { startWranglerDev, waitForHealthy } from "./wrangler-dev.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const READY_MARK = "@@app-stack ";

export interface AppStackInfo {
  /** `http://127.0.0.1:PORT` of `wrangler dev`. */
  url: string;
  databaseKind: string;
  /** `wrangler dev`'s DevTools inspector port on 127.0.0.1 (CPU profiles of workerd, e.g. BENCH_PROFILE). */
  inspectorPort: number;
}

export interface AppStack extends AppStackInfo {
  stop(): Promise<void>;
}

export interface AppStackOptions {
  /** An existing Postgres (e.g. TEST_DATABASE_URL); else a throwaway server, else embedded PGlite. */
  databaseUrl?: string;
  /** Extra browser origins for CORS_ORIGINS (widget sessions reflect any origin anyway). */
  corsOrigins?: string[];
  /** More Worker variables for `wrangler dev` (e.g. the e2e tests' email provider). */
  vars?: Record<string, string>;
  /** Fixed ports for `wrangler dev` and its inspector (a benchmark's own range); else free ones. */
  port?: number;
  inspectorPort?: number;
  /**
   * `wrangler-dev` (default: what `npm run dev` runs, behind wrangler's dev proxy) or `miniflare` (the
   * deploy bundle in one workerd process, no proxy: the production-like benchmark mode).
   */
  runtime?: "wrangler-dev" | "miniflare";
  /** Another checkout (or extracted tree) whose src/ and wrangler.toml to run, e.g. main for a "before". */
  source?: string;
  /** Per-principal API requests per minute, for load tests that must not measure 429s. */
  apiRateLimit?: number;
  /**
   * Another Worker's wrangler.toml (absolute) to run on the same stack in place of the app, e.g.
   * bench:rest's floor (scripts/bench-floor/rest.wrangler.toml); it gets the same variables.
   */
  config?: string;
}

/** Starts the stack in this process; wrangler's output goes to this process' stdout. */
export async function startAppStack(opts: AppStackOptions = {}): Promise<AppStack> {
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-stack-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const t0 = performance.now();
    const took = () => `${Math.round(performance.now() - t0)} ms`;
    const app = snapshotWorker(dir, opts.source ?? root, opts.apiRateLimit);
    const db = await startPostgres({ url: opts.databaseUrl });
    cleanups.push(db.stop);
    await migrate(db.url);
    console.error(`[app-stack] ${db.kind} Postgres migrated at ${took()}`);
    const proxy = await startDbProxy({ target: proxyTarget(db.url) });
    cleanups.push(proxy.close);
    const port = opts.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const vars = {
      ENVIRONMENT: "development",
      DATABASE_URL: db.url,
      DB_PROXY_URL: proxy.url,
      JWT_SECRET: randomBytes(32).toString("hex"),
      APP_URL: url,
      CORS_ORIGINS: [url, ...(opts.corsOrigins ?? [])].join(","),
      ...opts.vars,
    };
    // The console as the sources are now (public/app is shared through the symlinked public/).
    if (!opts.config) await buildConsole();
    const inspectorPort = opts.inspectorPort ?? (await freePort());
    if (opts.runtime === "miniflare") {
      const worker = await startMiniflareApp({
        root: app,
        config: opts.config,
        outdir: join(dir, "bundle"),
        port,
        inspectorPort,
        vars,
      });
      cleanups.push(worker.stop);
      console.error(`[app-stack] workerd (Miniflare, no dev proxy) at ${worker.url} in ${took()}`);
      return { url, databaseKind: db.kind, inspectorPort, stop };
    }
    const envFile = join(dir, "dev.vars");
    writeEnvFile(envFile, vars);
    const wrangler = startWranglerDev({
      root: app,
      port,
      inspectorPort,
      persistTo: join(dir, "wrangler"),
      envFile,
      config: opts.config,
    });
    cleanups.push(wrangler.stop);
    if (!(await waitForHealthy(`${url}/health`, wrangler.exited, 60_000))) {
      throw new Error(`wrangler dev did not answer ${url}/health`);
    }
    console.error(`[app-stack] wrangler dev healthy at ${took()}`);
    return { url, databaseKind: db.kind, inspectorPort, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Copies what `wrangler dev` builds from (sources, config) into `dir`; links what it only reads
 * (dependencies, static assets). Returns the snapshot's root.
 */
function snapshotWorker(dir: string, source: string, apiRateLimit?: number): string {
  const app = join(dir, "app");
  mkdirSync(app);
  for (const entry of ["src", "wrangler.toml", "wrangler.processor.toml", "package.json", "tsconfig.json"]) {
    // An older checkout (a "before" run) may have no processor Worker.
    if (existsSync(join(source, entry))) cpSync(join(source, entry), join(app, entry), { recursive: true });
  }
  for (const entry of ["node_modules", "public"]) symlinkSync(join(root, entry), join(app, entry));
  if (apiRateLimit) {
    const config = join(app, "wrangler.toml");
    const limiter = /(name = "API_RATE_LIMITER"\n[^\n]*\nsimple = \{ limit = )\d+/;
    writeFileSync(config, readFileSync(config, "utf8").replace(limiter, `$1${apiRateLimit}`));
  }
  return app;
}

export interface SpawnedAppStack extends AppStackInfo {
  /** The child's pid: its process tree is the whole stack (for CPU accounting). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** The child's recent output (wrangler, request logs), for failure messages. */
  output(): string;
}

/** Starts the stack in a child process (real Node module resolution, output captured, not printed). */
export async function spawnAppStack(
  opts: AppStackOptions = {},
  timeoutMs = 90_000,
): Promise<SpawnedAppStack> {
  const child = spawn(join(root, "node_modules", ".bin", "tsx"), [fileURLToPath(import.meta.url)], {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, APP_STACK_OPTIONS: JSON.stringify(opts) },
  });
  const exited = once(child, "exit");
  const recent: string[] = [];
  const output = () => recent.join("\n");
  const stop = () => stopChild(child, exited);
  let resolveReady: (info: AppStackInfo) => void = () => {};
  const ready = new Promise<AppStackInfo>((resolve) => {
    resolveReady = resolve;
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      if (line.startsWith(READY_MARK)) return resolveReady(JSON.parse(line.slice(READY_MARK.length)));
      recent.push(line);
      if (recent.length > 200) recent.shift();
    });
  }
  let timer: NodeJS.Timeout | undefined;
  const failed = Promise.race([
    exited.then(() => {
      throw new Error(`the app stack exited before it was ready:\n${output()}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the app stack was not ready in ${timeoutMs} ms:\n${output()}`)),
        timeoutMs,
      );
    }),
  ]);
  try {
    const info = await Promise.race([ready, failed]);
    return { ...info, pid: child.pid, stop, output };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Child mode: start, print the ready line, stop when stdin closes (the parent is gone) or on a signal. */
async function runAsChild(): Promise<void> {
  const opts = JSON.parse(process.env.APP_STACK_OPTIONS ?? "{}") as AppStackOptions;
  const starting = startAppStack(opts);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    // Even mid-start: wait for it, so no Postgres or workerd outlives us.
    const stack = await starting.catch(() => undefined);
    await stack?.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
  process.stdin.on("end", () => void shutdown());
  process.stdin.resume();
  try {
    const stack = await starting;
    const info: AppStackInfo = {
      url: stack.url,
      databaseKind: stack.databaseKind,
      inspectorPort: stack.inspectorPort,
    };
    console.log(`${READY_MARK}${JSON.stringify(info)}`);
  } catch (error) {
    console.error("[app-stack] failed to start:", error);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runAsChild();
