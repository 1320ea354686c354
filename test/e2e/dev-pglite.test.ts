// `npm run dev` keeps its data in embedded PGlite. There, every document after the first one used to
// stay `queued` forever: the queue consumer awaited the database pool's end(), which PGlite's socket
// server never answered (see db-proxy.test.ts). This runs the app (`wrangler dev`) on PGlite, as
// `npm run dev` does, and processes documents one after another.
// PGlite has one backend for every connection: interleaved extended-protocol messages of two
// connections used to give wrong answers (401 for valid credentials, "bind message supplies 1
// parameters", "portal does not exist"). The burst below checks every answer of 50 parallel requests.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type SpawnedAppStack, spawnAppStack } from "../../scripts/lib/app-stack.ts";
import { type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";
import { type BurstResult, runMixedBurst } from "./support/mixed-burst.ts";
import { registerStaff } from "./support/staff.ts";

let database: RunningPostgres;
let stack: SpawnedAppStack;

beforeAll(async () => {
  database = await startPostgres({ preferEmbedded: true });
  stack = await spawnAppStack({ databaseUrl: database.url });
});

// The figures docs/benchmarks.md quotes.
const report = (database: string, { failures, ...figures }: BurstResult) =>
  process.stderr.write(`[burst] ${database}: ${JSON.stringify({ ...figures, wrong: failures.length })}\n`);

afterAll(async () => {
  await stack?.stop();
  await database?.stop();
});

describe("npm run dev's embedded PGlite", () => {
  it("processes every uploaded document, not only the first", async () => {
    const staff = await registerStaff(stack.url);
    const ids: string[] = [];
    for (const name of ["first", "second", "third"]) {
      const form = new FormData();
      form.append("file", new File([`# The ${name} note\n\nIt mentions ${name} things.`], `${name}.md`));
      const response = await fetch(`${stack.url}/api/documents`, {
        method: "POST",
        body: form,
        headers: { Authorization: `Bearer ${staff.accessToken}` },
      });
      expect(response.status).toBe(202);
      ids.push(((await response.json()) as { document: { id: string } }).document.id);
    }
    // One list request per look (the API allows 100 requests a minute).
    const statuses = async () => {
      const { data } = await staff.call<{ data: Array<{ id: string; status: string }> }>(
        "/api/documents",
        {},
        200,
      );
      return ids.map((id) => data.find((document) => document.id === id)?.status);
    };
    const deadline = Date.now() + 30_000;
    let seen = await statuses();
    while (seen.some((status) => status !== "ready") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      seen = await statuses();
    }
    expect(seen, stack.output()).toEqual(["ready", "ready", "ready"]);
  });

  it("answers 50 parallel mixed requests (logins, reads, writes in transactions) all correctly", async () => {
    const result = await runMixedBurst(stack.url);
    report("embedded PGlite", result);
    expect(result.failures, stack.output()).toEqual([]);
  });
});

describe("the same burst on the machine's PostgreSQL (the e2e stack)", () => {
  it("answers 50 parallel mixed requests all correctly", async () => {
    const result = await runMixedBurst(inject("appUrl"));
    report("PostgreSQL", result);
    expect(result.failures).toEqual([]);
  });
});
