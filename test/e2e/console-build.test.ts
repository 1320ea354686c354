// The console build (scripts/build-console.ts) rewrites only files whose bytes changed, in watch mode
// too: a running `wrangler dev` serving public/ restarts its Worker on any write, and `npm run dev`
// (watching) started beside the browser tests' stack used to restart it mid-request.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildConsole } from "../../scripts/build-console.ts";

const outdir = mkdtempSync(join(tmpdir(), "console-build-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Every output file's modification time, by name. */
const mtimes = () =>
  Object.fromEntries(readdirSync(outdir).map((name) => [name, statSync(join(outdir, name)).mtimeMs]));

describe("the console build", () => {
  it("writes every file once, then leaves unchanged files alone in a plain and in a watching build", async () => {
    await buildConsole({ outdir });
    const first = mtimes();
    expect(Object.keys(first)).toEqual(expect.arrayContaining(["index.html", "console.css", "main.js"]));

    await buildConsole({ outdir });
    expect(mtimes()).toEqual(first);

    const watching = await buildConsole({ outdir, watch: true });
    try {
      expect(mtimes()).toEqual(first);
    } finally {
      await watching.stop?.();
    }
  }, 60_000);
});
