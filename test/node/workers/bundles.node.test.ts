// What each Worker's bundle reaches and builds as it loads, from esbuild (bundling as wrangler does:
// every statically analysable import(), lazy or not, ends up in the one file, evaluated on first use).
// Document processing is the processor Worker's: the request-serving Worker, which every cold isolate
// loads, must not reach it, nor build every route's schemas before its first request.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuildOptions, build, type Metafile, type Plugin } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

const HEAVY = ["unpdf", "pdf-lib", "@aws-sdk/client-textract"];
const work = mkdtempSync(join(tmpdir(), "bundles-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Outside workerd, the runtime's own modules are stand-ins: only loading is measured.
const runtimeStub: Plugin = {
  name: "cloudflare-stub",
  setup(builder) {
    builder.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, namespace: "cloudflare" }));
    builder.onLoad({ filter: /.*/, namespace: "cloudflare" }, () => ({
      contents: "export class DurableObject {} export class WorkerEntrypoint {} export const env = {};",
    }));
  },
};

const bundleOptions = (entry: string): BuildOptions => ({
  entryPoints: [entry],
  bundle: true,
  metafile: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["node:*"],
  plugins: [runtimeStub],
  logLevel: "silent",
});

/** The packages among HEAVY that `entry` imports, directly or through any chain, eagerly or by import(). */
async function heavyPackagesReached(entry: string): Promise<string[]> {
  const { metafile } = await build({ ...bundleOptions(entry), write: false });
  const inputs = Object.keys((metafile as Metafile).inputs);
  return HEAVY.filter((name) => inputs.some((path) => path.includes(`node_modules/${name}/`)));
}

/** How many zod objects (schemas and checks) evaluating `entry`'s bundle builds, in a fresh Node process. */
async function zodObjectsBuiltAtLoad(entry: string): Promise<number> {
  const outfile = join(work, `${entry.replace(/\W/g, "_")}.mjs`);
  await build({ ...bundleOptions(entry), outfile });
  // Every zod object gets its internals through one defineProperty("_zod") call.
  const script = `let built = 0; const define = Object.defineProperty;
    Object.defineProperty = (o, key, d) => { if (key === "_zod") built++; return define(o, key, d); };
    await import(${JSON.stringify(outfile)}); console.log(built);`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout.trim());
}

describe("worker bundles", () => {
  it("keeps unpdf, pdf-lib and the Textract client out of the request-serving Worker", async () => {
    expect(await heavyPackagesReached("src/index.ts")).toEqual([]);
  }, 60_000);

  it("has the processor Worker reach them, for the documents and policies it reads", async () => {
    expect(await heavyPackagesReached("src/processor.ts")).toEqual(HEAVY);
  }, 60_000);

  it("builds routers' schemas on the first request they serve, not while the request Worker loads", async () => {
    // About 950 today (the room's channel outbox, the config schema, liveness); every route's: 5,500.
    expect(await zodObjectsBuiltAtLoad("src/index.ts")).toBeLessThan(1_500);
  }, 60_000);
});
