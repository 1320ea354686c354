// What each Worker's bundle reaches, from esbuild's import graph (as wrangler bundles: every
// statically analysable import(), lazy or not, ends up in the one file). Document processing is the
// processor Worker's: the request-serving Worker, which every cold isolate loads, must not reach it.
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";

const HEAVY = ["unpdf", "pdf-lib", "@aws-sdk/client-textract"];

/** The packages among HEAVY that `entry` imports, directly or through any chain, eagerly or by import(). */
async function heavyPackagesReached(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "silent",
  });
  const inputs = Object.keys((metafile as Metafile).inputs);
  return HEAVY.filter((name) => inputs.some((path) => path.includes(`node_modules/${name}/`)));
}

describe("worker bundles", () => {
  it("keeps unpdf, pdf-lib and the Textract client out of the request-serving Worker", async () => {
    expect(await heavyPackagesReached("src/index.ts")).toEqual([]);
  }, 60_000);

  it("has the processor Worker reach them, for the documents and policies it reads", async () => {
    expect(await heavyPackagesReached("src/processor.ts")).toEqual(HEAVY);
  }, 60_000);
});
