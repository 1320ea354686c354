// Builds the staff console (src/console, Preact) into public/app, which the Worker serves as static
// assets under /app. Called by `npm run dev` (watching), the browser tests, deploy and postinstall;
// public/app is git-ignored. Prints the first screen's size: the budget is 150 KB gzip.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = join(root, "src", "console");
const out = join(root, "public", "app");

const options: esbuild.BuildOptions = {
  entryPoints: [join(source, "main.tsx"), join(source, "console.css")],
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  jsx: "automatic",
  jsxImportSource: "preact",
  tsconfig: join(source, "tsconfig.json"),
  logLevel: "warning",
  metafile: true,
};

/** The gzip size of the files the first screen loads (entry script, its static imports, the CSS). */
export function firstScreenBytes(metafile: esbuild.Metafile): number {
  const entry = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint?.endsWith("main.tsx"));
  if (!entry) return 0;
  const files = new Set([
    entry[0],
    ...entry[1].imports.filter((i) => i.kind === "import-statement").map((i) => i.path),
  ]);
  files.add(join("public", "app", "console.css"));
  let total = 0;
  for (const file of files) total += gzipSync(readFileSync(join(root, file))).length;
  return total;
}

/**
 * One build into `outdir` (public/app); `watch`: rebuild on every change until `stop` is called or
 * the process ends.
 */
export async function buildConsole({ watch = false, outdir = out } = {}): Promise<{
  firstScreenGzip: number;
  stop?: () => Promise<void>;
}> {
  // Files are overwritten in place, never removed first: another process (the browser tests' server,
  // a running `npm run dev`) may be serving public/app at this moment.
  mkdirSync(outdir, { recursive: true });
  writeIfChanged(join(outdir, "index.html"), readFileSync(join(source, "index.html")));
  if (watch) {
    // Each rebuild, the first included, writes through writeIfChanged too (esbuild's own write would
    // rewrite every file and restart any wrangler dev serving public/).
    const context = await esbuild.context({ ...options, outdir, write: false, plugins: [writeChanged] });
    await context.rebuild();
    await context.watch();
    return { firstScreenGzip: 0, stop: () => context.dispose() };
  }
  const result = await esbuild.build({ ...options, outdir, write: false });
  writeOutputs(result);
  return { firstScreenGzip: result.metafile ? firstScreenBytes(result.metafile) : 0 };
}

// A running `wrangler dev` serving public/ restarts its Worker when a file there changes (requests in
// flight get 503): a build of unchanged sources (every browser test's stack builds) touches nothing.
function writeIfChanged(path: string, contents: Uint8Array): void {
  if (existsSync(path) && Buffer.from(contents).equals(readFileSync(path))) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}

function writeOutputs(result: esbuild.BuildResult): void {
  for (const file of result.outputFiles ?? []) writeIfChanged(file.path, file.contents);
}

const writeChanged: esbuild.Plugin = {
  name: "write-changed",
  setup: (build) => build.onEnd(writeOutputs),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { firstScreenGzip } = await buildConsole();
  console.log(`console built into public/app (first screen ${(firstScreenGzip / 1024).toFixed(1)} KB gzip)`);
}
