// `npm run bench:startup`: what a cold isolate of the request-serving production Worker costs before its
// first request (the document processor, wrangler.processor.toml, serves none: only its size is printed).
// Builds the production environment the way `npm run deploy` does (`wrangler deploy --dry-run`), then
// runs `wrangler check startup` on that bundle BENCH_RUNS times (default 5) and prints the median
// startup CPU ("Active", GC included) and the bundle size, beside the startup of the smallest Worker
// with the same compatibility date (the floor: what the runtime costs before any of our code). "Active"
// is wall time, so on a loaded machine it also prints both as workerd CPU time until ready (holds under
// load: scripts/lib/startup-cpu.ts). It also says where the bytes and the
// startup CPU go: bytes per package from esbuild's metafile, CPU per package (self time) and per
// Switchboard module whose top level started the work (inclusive), from the median run's profile.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { CpuProfile } from "./lib/cpu-profile.ts";
import { workerdStartupCpu } from "./lib/startup-cpu.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), "bench-startup-"));
const say = (line: string) => console.log(`[bench:startup] ${line}`);

function wrangler(args: string[]): string {
  const result = spawnSync(join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  if (result.status !== 0) throw new Error(`wrangler ${args[0]} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

interface Startup {
  activeMs: number;
  gcMs: number;
  profile: string;
}

/** One `wrangler check startup` of a prebuilt bundle (or of a config's own build). */
function checkStartup(args: string[], profile: string): Startup {
  const out = wrangler(["check", "startup", ...args, "--outfile", profile]);
  const active = /Active: ([\d.]+) ms \(including ([\d.]+) ms garbage/.exec(out);
  if (!active) throw new Error(`no startup figure in:\n${out}`);
  return { activeMs: Number(active[1]), gcMs: Number(active[2]), profile };
}

const median = <T>(items: T[], key: (item: T) => number) =>
  [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)] as T;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

// The module a line of the (unminified) bundle belongs to: esbuild heads each one with `// <path>`.
function moduleIndex(source: string): (line: number) => string {
  const starts: [number, string][] = [];
  source.split("\n").forEach((line, index) => {
    const mark = /^\/\/ (\S+\.(?:m?js|cjs|ts|json))$/.exec(line);
    if (mark?.[1]) starts.push([index, mark[1]]);
  });
  return (line) => {
    let low = 0;
    let high = starts.length - 1;
    let found = "(runtime)";
    while (low <= high) {
      const mid = (low + high) >> 1;
      const [start, path] = starts[mid] as [number, string];
      if (start <= line) {
        found = path;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
}
const packageOf = (path: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? (path.startsWith("src/") ? "src" : path);

/** Self time per package, and inclusive time per Switchboard module that (outermost) caused it. */
function attribute(profile: CpuProfile, moduleAt: (line: number) => string) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inBundle = (id: number) => {
    const frame = byId.get(id)?.callFrame;
    return frame && frame.lineNumber >= 0 && frame.url.endsWith("index.js")
      ? moduleAt(frame.lineNumber)
      : null;
  };
  const self = new Map<string, number>();
  const causedBy = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  (profile.samples ?? []).forEach((sample, index) => {
    const ms = (profile.timeDeltas?.[index] ?? 0) / 1000;
    const frame = byId.get(sample)?.callFrame;
    if (!frame || frame.functionName === "(idle)") return;
    const own = inBundle(sample);
    add(self, own ? packageOf(own) : frame.functionName || frame.url || "(runtime)", ms);
    let outermost: string | null = null;
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const path = inBundle(id);
      if (path?.startsWith("src/")) outermost = path;
    }
    if (outermost) add(causedBy, outermost, ms);
  });
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { self: top(self, 12), causedBy: top(causedBy, 12) };
}

try {
  say("building the production Worker (wrangler deploy --dry-run --env production)…");
  const outdir = join(work, "out");
  const bundle = join(work, "worker.bundle");
  const metafile = join(work, "meta.json");
  wrangler(["deploy", "--dry-run", "--env", "production", "--outdir", outdir, "--metafile", metafile]);
  wrangler(["deploy", "--dry-run", "--env", "production", "--outfile", bundle]);
  const script = readFileSync(join(outdir, "index.js"));
  const gzip = gzipSync(script).byteLength;
  const processorDir = join(work, "processor");
  wrangler([
    "deploy",
    "--dry-run",
    "--config",
    "wrangler.processor.toml",
    "--env",
    "production",
    "--outdir",
    processorDir,
  ]);
  const processor = readFileSync(join(processorDir, "processor.js"));

  const runs: Startup[] = [];
  for (let run = 0; run < RUNS; run += 1)
    runs.push(checkStartup(["--worker", bundle], join(work, `startup-${run}.cpuprofile`)));
  const app = median(runs, (run) => run.activeMs);
  const floorDir = join(work, "floor");
  mkdirSync(floorDir);
  const date = /^compatibility_date = "([\d-]+)"/m.exec(
    readFileSync(join(root, "wrangler.toml"), "utf8"),
  )?.[1];
  writeFileSync(join(floorDir, "worker.js"), 'export default { fetch: () => new Response("ok") };\n');
  writeFileSync(
    join(floorDir, "wrangler.toml"),
    `name = "startup-floor"\nmain = "worker.js"\ncompatibility_date = "${date}"\n`,
  );
  const floors: Startup[] = [];
  for (let run = 0; run < RUNS; run += 1)
    floors.push(
      checkStartup(["--config", join(floorDir, "wrangler.toml")], join(work, `floor-${run}.cpuprofile`)),
    );
  const floor = median(floors, (run) => run.activeMs);

  // The same bundle and an empty Worker in a fresh workerd each, as CPU time (holds on a busy machine).
  const cpu = await workerdStartupCpu(join(outdir, "index.js"), date ?? "2026-11-01", RUNS);
  const floorCpu = await workerdStartupCpu(join(floorDir, "worker.js"), date ?? "2026-11-01", RUNS);
  const med = (values: number[]) => median(values, (value) => value);

  say(`startup CPU, median of ${RUNS} (all: ${runs.map((run) => run.activeMs).join(", ")} ms)`);
  say(`  Switchboard: ${app.activeMs} ms (GC ${app.gcMs} ms)   target ≤ 50 ms`);
  say(`  floor (an empty Worker, same compatibility date): ${floor.activeMs} ms`);
  say(
    `workerd CPU until ready, all threads, median of ${RUNS}: Switchboard ${med(cpu).toFixed(0)} ms, empty Worker ${med(floorCpu).toFixed(0)} ms: ${(med(cpu) - med(floorCpu)).toFixed(0)} ms ours`,
  );
  say(`bundle: ${kib(script.byteLength)} / gzip ${kib(gzip)}   target ≤ 1024 KiB gzip`);
  say(
    `processor Worker (queues only, not a request's cold start): ${kib(processor.byteLength)} / gzip ${kib(gzipSync(processor).byteLength)}`,
  );

  const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const bytes = new Map<string, number>();
  for (const output of Object.values(meta.outputs))
    for (const [path, input] of Object.entries(output.inputs))
      bytes.set(packageOf(path), (bytes.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  say("largest parts of the bundle:");
  for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 12))
    say(`  ${kib(size).padStart(9)}  ${name}`);

  const profile = JSON.parse(readFileSync(app.profile, "utf8")) as CpuProfile;
  const { self, causedBy } = attribute(profile, moduleIndex(script.toString("utf8")));
  say("startup CPU by package (self time, median run; 1 ms samples):");
  for (const [name, ms] of self) say(`  ${ms.toFixed(1).padStart(6)} ms  ${name}`);
  say("startup CPU by the Switchboard module whose top level started it (inclusive):");
  for (const [name, ms] of causedBy) say(`  ${ms.toFixed(1).padStart(6)} ms  ${name}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
