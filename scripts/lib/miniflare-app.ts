// The Worker in one workerd process through Miniflare's API (as the test pool runs it), without
// `wrangler dev`'s proxy in front: the production-like mode of the benchmarks. The bundle is the one
// `wrangler deploy` would upload (top-level, development configuration); bindings come from
// wrangler.toml through wrangler's own converter, so queues, Durable Objects, R2 and rate limits
// match `wrangler dev`. State lives in memory (a benchmark starts empty and throws it away).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

export interface MiniflareAppOptions {
  /** The Worker's root (wrangler.toml, src, node_modules). */
  root: string;
  /** Another wrangler.toml than the root's (e.g. the benchmark's floor Worker). */
  config?: string;
  /** Where the bundle is written. */
  outdir: string;
  port: number;
  inspectorPort: number;
  /** Secrets and variables on top of wrangler.toml's (DATABASE_URL, JWT_SECRET, …). */
  vars: Record<string, string>;
}

export interface MiniflareApp {
  url: string;
  stop(): Promise<void>;
}

/** Bundles the Worker and serves it from workerd on `port`. */
export async function startMiniflareApp(opts: MiniflareAppOptions): Promise<MiniflareApp> {
  const config = opts.config ?? join(opts.root, "wrangler.toml");
  const build = spawnSync(
    join(opts.root, "node_modules", ".bin", "wrangler"),
    ["deploy", "--dry-run", "--config", config, "--outdir", opts.outdir],
    {
      cwd: opts.root,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    },
  );
  if (build.status !== 0)
    throw new Error(`wrangler deploy --dry-run failed:\n${build.stdout}\n${build.stderr}`);
  const script = readdirSync(opts.outdir).find((name) => name.endsWith(".js"));
  if (!script) throw new Error(`no bundle in ${opts.outdir}`);
  // The bundle is one module: the rules for finding more (wrangler's `rules`) do not apply.
  const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(config).workerOptions;
  // wrangler describes the bindings in Miniflare's v4 option shape; Miniflare 5 converts it.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: opts.port,
      inspectorPort: opts.inspectorPort,
      workers: [
        {
          ...workerOptions,
          name: "switchboard",
          modules: true,
          scriptPath: join(opts.outdir, script),
          modulesRoot: opts.outdir,
          bindings: { ...(workerOptions.bindings as object), ...opts.vars },
        } as V4WorkerOptions,
      ],
    }),
  );
  const url = await mf.ready;
  return { url: url.origin, stop: () => mf.dispose() };
}
