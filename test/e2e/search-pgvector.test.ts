// Hybrid knowledge search on the pgvector path (`hybrid-pgvector`, what Neon runs) — the workerd tests
// use the machine's PostgreSQL 15, which has no pgvector package on Debian, so they cover the portable
// path. Here the search service itself runs in Node against embedded PGlite with pgvector (a real
// Postgres in WASM), through the same neon driver → WebSocket proxy path as the Worker, with embeddings
// from the local OpenAI-compatible fake.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { proxyTarget, startDbProxy } from "../../scripts/lib/db-proxy.ts";
import { migrate } from "../../scripts/lib/migrate.ts";
import { type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";

// The Worker's modules are loaded at run time: their types refer to Workers globals this Node project
// does not declare, so only what the test calls is typed here.
interface Passage {
  page: number | null;
  score: number;
  ranks: { fullText: number | null; vector: number | null };
  snippet: string;
}
interface Embedder {
  embed(texts: string[]): Promise<number[][]>;
}
interface WorkerModules {
  openDatabase(config: { DATABASE_URL: string; DB_PROXY_URL: string }): {
    db: unknown;
    close(): Promise<void>;
  };
  searchKnowledge(
    deps: { db: unknown; embeddings: Embedder | null },
    tenantId: string,
    input: { q: string; limit: number; collection?: string },
  ): Promise<{ mode: string; data: Passage[] }>;
  openAiEmbeddings(opts: { baseUrl: string; apiKey: string; model: string; allowPrivate: boolean }): Embedder;
}

const PAGES = [
  "Our car insurance covers vehicle theft and break-ins at home or abroad.",
  "Flood damage to the home and its contents is covered up to the policy limit.",
  "Luggage lost while travelling is reimbursed after a police report.",
  ...Array.from({ length: 60 }, (_, i) => `Filler paragraph ${i} about opening hours and office addresses.`),
];

let server: RunningPostgres;
let proxy: Awaited<ReturnType<typeof startDbProxy>>;
let modules: WorkerModules;
let database: ReturnType<WorkerModules["openDatabase"]>;
let embeddings: Embedder;
const tenantId = randomUUID();

beforeAll(async () => {
  server = await startPostgres({ preferEmbedded: true });
  await migrate(server.url);
  proxy = await startDbProxy({ target: proxyTarget(server.url) });
  // A path in a variable: the type checker does not follow it into the Worker's sources.
  const load = (path: string) => import(path) as Promise<Partial<WorkerModules>>;
  modules = Object.assign(
    {},
    ...(await Promise.all(
      [
        "../../src/db/client.ts",
        "../../src/features/knowledge/search.service.ts",
        "../../src/providers/embeddings.ts",
      ].map(load),
    )),
  ) as WorkerModules;
  embeddings = modules.openAiEmbeddings({
    baseUrl: `${inject("e2eFakeServicesUrl")}/openai/v1`,
    apiKey: "sk-test-embeddings",
    model: "text-embedding-3-small",
    allowPrivate: true,
  });
  const vectors = await embeddings.embed(PAGES);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const documentId = randomUUID();
    await client.query("insert into tenants (id, name, slug) values ($1, 'Vector', $2)", [
      tenantId,
      `vector-${tenantId.slice(0, 8)}`,
    ]);
    await client.query(
      `insert into documents (id, tenant_id, title, filename, kind, content_type, size_bytes, sha256, storage_key, status)
       values ($1, $2, 'Policy', 'policy.txt', 'txt', 'text/plain', 0, '', 'policy', 'ready')`,
      [documentId, tenantId],
    );
    await client.query(
      `insert into document_chunks (id, tenant_id, document_id, generation, ordinal, page, heading, content, embedding)
       select gen_random_uuid(), $1, $2, 1, n - 1, n, null, c, e::real[]
       from unnest($3::text[], $4::text[]) with ordinality as u(c, e, n)`,
      [tenantId, documentId, PAGES, vectors.map((v) => `{${v.join(",")}}`)],
    );
  } finally {
    await client.end();
  }
  database = modules.openDatabase({ DATABASE_URL: server.url, DB_PROXY_URL: proxy.url });
}, 120_000);

afterAll(async () => {
  await database?.close();
  await proxy?.close();
  await server?.stop();
});

const search = (q: string, useEmbeddings = true) =>
  modules.searchKnowledge({ db: database.db, embeddings: useEmbeddings ? embeddings : null }, tenantId, {
    q,
    limit: 3,
  });

describe("hybrid search with pgvector", () => {
  it("ranks by nearest neighbours and fuses them with full-text", async () => {
    // No query word occurs in the text: only the vector ranking can find the car theft page.
    const meaning = await search("automobile stolen");
    expect(meaning.mode).toBe("hybrid-pgvector");
    expect(meaning.data[0]).toMatchObject({ page: 1, ranks: { fullText: null, vector: 1 } });

    // Both rankings agree: the fused score is the sum of both reciprocal ranks (1/61 + 1/61), plus
    // one more top-rank share because the page holds every word of the question (1/61).
    const both = await search("vehicle theft");
    expect(both.data[0]).toMatchObject({ page: 1, ranks: { fullText: 1, vector: 1 }, score: 0.04918 });
    expect(both.data[0]?.snippet).toContain("<mark>theft</mark>");

    // Full-text alone misses the meaning-only match.
    const words = await search("automobile stolen", false);
    expect(words.mode).toBe("full-text");
    expect(words.data).toEqual([]);
  });

  it("keeps other tenants' chunks out", async () => {
    const other = await modules.searchKnowledge({ db: database.db, embeddings }, randomUUID(), {
      q: "vehicle theft",
      limit: 3,
    });
    expect(other.data).toEqual([]);
  });
});
