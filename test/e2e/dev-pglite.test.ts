// `npm run dev` keeps its data in embedded PGlite. There, every document after the first one used to
// stay `queued` forever: the queue consumer awaited the database pool's end(), which PGlite's socket
// server never answered (see db-proxy.test.ts). This runs the app (`wrangler dev`) on PGlite, as
// `npm run dev` does, and processes documents one after another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedAppStack, spawnAppStack } from "../../scripts/lib/app-stack.ts";
import { type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";
import { registerStaff } from "./support/staff.ts";

let database: RunningPostgres;
let stack: SpawnedAppStack;

beforeAll(async () => {
  database = await startPostgres({ preferEmbedded: true });
  stack = await spawnAppStack({ databaseUrl: database.url });
});

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
});
