// `npm run bench:ingest`: document pipeline throughput and knowledge search latency, on this machine.
// 1. Time to ready of a 100-page text PDF through the running app (upload → queue → extraction →
//    chunks in Postgres → `document.updated` ready on the inbox stream), next to unpdf's raw extraction
//    of the same file in Node.
// 2. Search latency over 10,000 chunks: the search service against Postgres (full-text and hybrid),
//    and end to end over HTTP (auth, a fresh connection per request, JSON).
// Everything runs on loopback: a throwaway Postgres, `wrangler dev` and the fake embeddings server.
// Options: BENCH_POSTGRES=pglite (embedded PGlite with pgvector: search runs hybrid-pgvector),
// BENCH_DATABASE_URL (another Postgres), BENCH_PAGES (default 100), BENCH_DIMENSIONS (default 1536),
// BENCH_PROFILE=1 (a CPU profile of workerd during the uploads).
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import pg from "pg";
import { extractText, getDocumentProxy } from "unpdf";
import WebSocket from "ws";
import { textPdf } from "../test/support/files.ts";
import { startFakeServices } from "../test/support/node/fake-services.ts";
import { spawnAppStack } from "./lib/app-stack.ts";
import { saveProfile, startProfiler } from "./lib/cpu-profile.ts";
import { proxyTarget, startDbProxy } from "./lib/db-proxy.ts";
import { migrate } from "./lib/migrate.ts";
import { startPostgres } from "./lib/postgres.ts";

// The Worker's modules are loaded by path at run time: their types refer to Workers globals that this
// Node program does not declare, so only the little the benchmark calls is typed here.
interface WorkerModules {
  client: {
    openDatabase(config: { DATABASE_URL: string; DB_PROXY_URL: string }): {
      db: unknown;
      close(): Promise<void>;
    };
  };
  search: {
    searchKnowledge(
      deps: { db: unknown; embeddings: Embedder | null },
      tenantId: string,
      input: { q: string; limit: number },
    ): Promise<{ mode: string; data: unknown[] }>;
  };
  embeddings: {
    openAiEmbeddings(opts: { baseUrl: string; apiKey: string; model: string; dimensions: number }): Embedder;
  };
}
interface Embedder {
  embed(texts: string[]): Promise<number[][]>;
}
const load = <K extends keyof WorkerModules>(path: string) => import(path) as Promise<WorkerModules[K]>;
const { openDatabase } = await load<"client">("../src/db/client.ts");
const { searchKnowledge } = await load<"search">("../src/features/knowledge/search.service.ts");
const { openAiEmbeddings } = await load<"embeddings">("../src/providers/embeddings.ts");

const PAGES = Number(process.env.BENCH_PAGES ?? 100);
const INGEST_RUNS = 9;
const CHUNKS = 10_000;
const SERVICE_QUERIES = 1_000;
// text-embedding-3-small's own size; BENCH_DIMENSIONS=256 (say) for a model asked for shorter vectors.
const DIMENSIONS = Number(process.env.BENCH_DIMENSIONS ?? 1536);
// The API allows 100 requests a minute per principal: the session and three API keys take 90 each.
const HTTP_PRINCIPALS = 4;
const HTTP_QUERIES = 90 * HTTP_PRINCIPALS;

const say = (line: string) => console.log(`[bench:ingest] ${line}`);
const ms = (value: number) => `${value.toFixed(1)} ms`;

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const VOCABULARY = Array.from({ length: 3_000 }, (_, i) => `term${i.toString(36)}`).concat(
  "policy claim cover flood fire theft premium excess insured vehicle home contents liability travel luggage".split(
    " ",
  ),
);
// Zipf-like: low indexes are common words, high ones rare, as in real text.
const word = () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 2.2)] ?? "policy";
const sentence = (n: number) => Array.from({ length: n }, word).join(" ");

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

// BENCH_POSTGRES=pglite: embedded PGlite with pgvector (search runs hybrid-pgvector) instead of a server.
const server = await startPostgres({
  url: process.env.BENCH_DATABASE_URL,
  preferEmbedded: process.env.BENCH_POSTGRES === "pglite",
});
await migrate(server.url);
const proxy = await startDbProxy({ target: proxyTarget(server.url) });
const fakes = await startFakeServices();
const stack = await spawnAppStack({ databaseUrl: server.url });
const cleanup = async () => {
  await stack.stop();
  await fakes.close();
  await proxy.close();
  await server.stop();
};

try {
  say(`app on ${stack.url}, ${server.kind} Postgres`);
  const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
    const response = await fetch(`${stack.url}${path}`, { ...init, headers });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const register = async () =>
    (await api("/api/auth/register", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "CF-Connecting-IP": `10.9.${Math.floor(random() * 250)}.1`,
      },
      body: JSON.stringify({
        tenantName: "Bench",
        name: "Bench",
        email: `bench-${randomUUID()}@example.test`,
        password: randomUUID(),
      }),
    })) as { accessToken: string; tenant: { id: string } };
  const tenant = await register();
  // Readiness comes from the tenant's inbox stream (`document.updated`), as a dashboard would see it:
  // polling GET …/status would put requests on the same workerd thread as the consumer being measured.
  const { url: inboxUrl } = (await api("/api/inbox/ticket", {
    method: "POST",
    token: tenant.accessToken,
  })) as {
    url: string;
  };
  const inbox = new WebSocket(`${stack.url.replace(/^http/, "ws")}${inboxUrl}`);
  const settled = new Map<
    string,
    (event: { status: string; chunkCount: number; error: string | null }) => void
  >();
  const early = new Map<string, { status: string; chunkCount: number; error: string | null }>();
  inbox.on("message", (data) => {
    const frame = JSON.parse(String(data)) as {
      type: string;
      document?: { id: string; status: string; chunkCount: number; error: string | null };
    };
    const doc = frame.type === "document.updated" ? frame.document : undefined;
    if (!doc || doc.status === "queued" || doc.status === "processing") return;
    const resolve = settled.get(doc.id);
    if (resolve) resolve(doc);
    else early.set(doc.id, doc);
  });
  await once(inbox, "open");
  const uploadAndWait = async (bytes: Uint8Array, name: string) => {
    const form = new FormData();
    form.append("file", new File([new Uint8Array(bytes)], name));
    const started = performance.now();
    const accepted = (await api("/api/documents", {
      method: "POST",
      body: form,
      token: tenant.accessToken,
    })) as {
      document: { id: string };
    };
    const uploadSeconds = (performance.now() - started) / 1000;
    const id = accepted.document.id;
    const done =
      early.get(id) ??
      (await new Promise<{ status: string; chunkCount: number; error: string | null }>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name}: not settled in 60 s; the app said:\n${stack.output()}`)),
          60_000,
        );
        settled.set(id, (event) => {
          clearTimeout(timer);
          resolve(event);
        });
      }));
    const seconds = (performance.now() - started) / 1000;
    if (done.status !== "ready") throw new Error(`${name}: ${done.status} ${done.error}`);
    return { seconds, uploadSeconds, chunks: done.chunkCount };
  };

  // --- 1. Ingestion -------------------------------------------------------------------------------
  const pages = Array.from({ length: PAGES }, (_, i) => ({
    heading: `Section ${i + 1}`,
    paragraphs: [sentence(90), sentence(110), sentence(80)],
  }));
  const pdf = await textPdf(pages);
  say(`${PAGES}-page PDF: ${(pdf.length / 1024).toFixed(0)} KiB`);
  // The first PDF an isolate reads loads pdf.js (seconds): warm the consumer up like a running deployment.
  await uploadAndWait(await textPdf(pages.slice(0, 2)), "warm-up.pdf");
  const raw = async () => {
    const started = performance.now();
    const proxyDoc = await getDocumentProxy(pdf.slice());
    const { text } = await extractText(proxyDoc, { mergePages: false });
    if (text.length !== PAGES) throw new Error("raw extraction lost pages");
    return (performance.now() - started) / 1000;
  };
  await raw(); // pdf.js load, as above
  // Runs alternate (pipeline, then raw extraction) so both see the same machine; medians are compared.
  const pipelineRuns: number[] = [];
  const uploadRuns: number[] = [];
  const rawRuns: number[] = [];
  let chunkCount = 0;
  const profiler = process.env.BENCH_PROFILE ? await startProfiler(stack.inspectorPort) : undefined;
  for (let run = 1; run <= INGEST_RUNS; run++) {
    const { seconds, uploadSeconds, chunks } = await uploadAndWait(pdf, `bench-${run}.pdf`);
    pipelineRuns.push(seconds);
    uploadRuns.push(uploadSeconds);
    chunkCount = chunks;
    rawRuns.push(await raw());
    say(`run ${run}: pipeline ${seconds.toFixed(3)} s, raw extraction ${rawRuns.at(-1)?.toFixed(3)} s`);
  }
  inbox.close();
  if (profiler) {
    const file =
      process.env.BENCH_PROFILE === "1" ? "/tmp/bench-ingest.cpuprofile" : String(process.env.BENCH_PROFILE);
    await saveProfile(profiler, file, `the ${INGEST_RUNS} uploads`, say);
  }
  const pipeline = { seconds: percentile(pipelineRuns, 50), chunks: chunkCount };
  const rawSeconds = percentile(rawRuns, 50);

  // --- 2. Search ----------------------------------------------------------------------------------
  const embeddings = openAiEmbeddings({
    baseUrl: `${fakes.url}/openai/v1`,
    apiKey: "sk-bench",
    model: "text-embedding-3-small",
    dimensions: DIMENSIONS,
  });
  const searchSession = await register();
  const searchTenant = searchSession.tenant.id;
  const direct = new pg.Client({ connectionString: server.url });
  await direct.connect();
  const documentId = randomUUID();
  await direct.query(
    `insert into documents (id, tenant_id, title, filename, kind, content_type, size_bytes, sha256, storage_key, status)
     values ($1, $2, 'Bench corpus', 'corpus.txt', 'txt', 'text/plain', 0, '', 'bench', 'ready')`,
    [documentId, searchTenant],
  );
  const seedStarted = performance.now();
  for (let start = 0; start < CHUNKS; start += 500) {
    const contents = Array.from({ length: 500 }, () => `${sentence(60)}. ${sentence(70)}.`);
    const vectors = await embeddings.embed(contents);
    await direct.query(
      `insert into document_chunks (id, tenant_id, document_id, generation, ordinal, page, heading, content, embedding)
       select gen_random_uuid(), $1, $2, 1, $3 + n - 1, ($3 + n - 1) / 10 + 1, 'Section ' || (($3 + n - 1) / 10 + 1), c, e::real[]
       from unnest($4::text[], $5::text[]) with ordinality as u(c, e, n)`,
      [searchTenant, documentId, start, contents, vectors.map((v) => `{${v.join(",")}}`)],
    );
  }
  await direct.query("analyze document_chunks");
  await direct.end();
  say(
    `seeded ${CHUNKS} chunks with embeddings in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );
  const { db, close } = openDatabase({ DATABASE_URL: server.url, DB_PROXY_URL: proxy.url });
  // Users type content words, not the corpus' most frequent ones (which act like stop words here).
  const contentWord = () => VOCABULARY[200 + Math.floor(random() * (VOCABULARY.length - 200))] ?? "policy";
  const queries = Array.from({ length: 200 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, contentWord).join(" "),
  );
  const measure = async (useEmbeddings: boolean) => {
    let mode = "";
    const deps = { db, embeddings: useEmbeddings ? embeddings : null };
    for (const q of queries.slice(0, 50)) await searchKnowledge(deps, searchTenant, { q, limit: 10 });
    const timings: number[] = [];
    let hits = 0;
    for (let i = 0; i < SERVICE_QUERIES; i++) {
      const started = performance.now();
      const result = await searchKnowledge(deps, searchTenant, {
        q: queries[i % queries.length] ?? "policy",
        limit: 10,
      });
      timings.push(performance.now() - started);
      hits += result.data.length > 0 ? 1 : 0;
      mode = result.mode;
    }
    return { timings, hits, mode };
  };
  const fullText = await measure(false);
  const hybrid = await measure(true);
  await close();

  const credentials = [searchSession.accessToken];
  while (credentials.length < HTTP_PRINCIPALS) {
    const created = (await api("/api/api-keys", {
      method: "POST",
      token: searchSession.accessToken,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: `bench-${credentials.length}` }),
    })) as { key: string };
    credentials.push(created.key);
  }
  // The time of each of `count` requests, one after another.
  const timed = async (count: number, request: (i: number) => Promise<unknown>) => {
    const timings: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await request(i);
      timings.push(performance.now() - started);
    }
    return timings;
  };
  // Floors for the HTTP figure: wrangler dev alone (/health), and with a fresh connection and one query.
  const liveness = await timed(HTTP_QUERIES, () => api("/health"));
  const readiness = await timed(HTTP_QUERIES, () => api("/api/health"));
  const httpTimings = await timed(HTTP_QUERIES, (i) =>
    api(`/api/knowledge/search?q=${encodeURIComponent(queries[i % queries.length] ?? "policy")}`, {
      token: credentials[i % credentials.length],
    }),
  );

  const overhead = (pipeline.seconds / rawSeconds - 1) * 100;
  // Each upload next to the extraction run right after it: the machine's drift cancels out.
  const pairedOverhead =
    (percentile(
      pipelineRuns.map((seconds, i) => seconds / (rawRuns[i] ?? seconds)),
      50,
    ) -
      1) *
    100;
  const signed = (percent: number) => `${percent >= 0 ? "+" : ""}${percent.toFixed(0)}%`;
  console.log(`
| Measure | Result |
| --- | --- |
| ${PAGES}-page text PDF, time to ready (upload → ready, ${pipeline.chunks} chunks; median of ${INGEST_RUNS}) | ${pipeline.seconds.toFixed(2)} s (${(PAGES / pipeline.seconds).toFixed(0)} pages/s) |
| Upload request alone (until the 202; processing has begun meanwhile; median) | ${(percentile(uploadRuns, 50) * 1000).toFixed(0)} ms |
| Same file, raw unpdf extraction (Node, warm; median of ${INGEST_RUNS}) | ${rawSeconds.toFixed(2)} s (${(PAGES / rawSeconds).toFixed(0)} pages/s) |
| Pipeline on top of raw extraction (ratio of the medians) | ${signed(overhead)} |
| Pipeline on top of raw extraction (median of each run's ratio) | ${signed(pairedOverhead)} |
| Search service, full-text, ${CHUNKS} chunks (${SERVICE_QUERIES} queries, ${fullText.hits} with hits) | p50 ${ms(percentile(fullText.timings, 50))}, p99 ${ms(percentile(fullText.timings, 99))} |
| Search service, ${hybrid.mode}, ${DIMENSIONS}-dimension embeddings (incl. the query's) | p50 ${ms(percentile(hybrid.timings, 50))}, p99 ${ms(percentile(hybrid.timings, 99))} |
| Search over HTTP end to end, full-text (${HTTP_QUERIES} requests: a session and API keys) | p50 ${ms(percentile(httpTimings, 50))}, p99 ${ms(percentile(httpTimings, 99))} |
| Floor: GET /health over HTTP (wrangler dev, no database) | p50 ${ms(percentile(liveness, 50))}, p99 ${ms(percentile(liveness, 99))} |
| Floor: GET /api/health over HTTP (a fresh database connection, \`select 1\`) | p50 ${ms(percentile(readiness, 50))}, p99 ${ms(percentile(readiness, 99))} |
`);
} finally {
  await cleanup();
}
