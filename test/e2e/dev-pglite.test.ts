// `npm run dev` keeps its data in embedded PGlite. There, every document after the first one used to
// stay `queued` forever: the queue consumer awaited the database pool's end(), which PGlite's socket
// server never answered (see db-proxy.test.ts). This runs the app (`wrangler dev`) on PGlite, as
// `npm run dev` does, and processes documents one after another.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedAppStack, spawnAppStack } from "../../scripts/lib/app-stack.ts";
import { type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";

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

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  const response = await fetch(`${stack.url}${path}`, { ...init, headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

describe("npm run dev's embedded PGlite", () => {
  it("processes every uploaded document, not only the first", async () => {
    const { accessToken } = await call<{ accessToken: string }>("/api/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        tenantName: "Dev",
        name: "Dev",
        email: `dev-${randomUUID()}@example.test`,
        password: randomUUID(),
      }),
    });
    const ids: string[] = [];
    for (const name of ["first", "second", "third"]) {
      const form = new FormData();
      form.append("file", new File([`# The ${name} note\n\nIt mentions ${name} things.`], `${name}.md`));
      const { document } = await call<{ document: { id: string } }>("/api/documents", {
        method: "POST",
        body: form,
        token: accessToken,
      });
      ids.push(document.id);
    }
    // One list request per look (the API allows 100 requests a minute).
    const statuses = async () => {
      const { data } = await call<{ data: Array<{ id: string; status: string }> }>("/api/documents", {
        token: accessToken,
      });
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
