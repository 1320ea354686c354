// `npm run bench:retrieval`: how well the offline answerer (no AI provider) finds and quotes the page that
// answers a customer's question. Uploads the corpus of scripts/lib/retrieval-corpus.ts to the whole app on
// loopback, asks every question through `POST /api/ai/test`, and reports recall@3 (the expected page among
// the first three passages) and the share of answers containing the expected fact — once with full-text
// search only and once hybrid, with the test suite's fake OpenAI embeddings server (deterministic hashed
// bags of words with a small synonym table; see test/support/node/fake-openai-embeddings.ts).

import { textPdf } from "../test/support/files.ts";
import { startFakeServices } from "../test/support/node/fake-services.ts";
import { spawnAppStack } from "./lib/app-stack.ts";
import { DOCUMENTS, QUESTIONS, UNANSWERABLE } from "./lib/retrieval-corpus.ts";

interface TestResult {
  reply: string;
  citations: { title: string; page: number | null }[];
  passages: { title: string; page: number | null }[];
}

async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (typeof init.body === "string") headers.set("Content-Type", "application/json");
  const response = await fetch(url, { ...init, headers });
  if (!response.ok)
    throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function run(label: string, vars: Record<string, string>) {
  const stack = await spawnAppStack({ vars });
  try {
    const api = stack.url;
    const { accessToken: token } = await json<{ accessToken: string }>(`${api}/api/auth/register`, {
      method: "POST",
      body: JSON.stringify({
        tenantName: "Bench shop",
        name: "Bench",
        email: `bench-${Date.now()}@example.test`,
        password: "bench password 1",
      }),
    });
    const ids: string[] = [];
    for (const doc of DOCUMENTS) {
      const form = new FormData();
      form.append(
        "file",
        new File([new Uint8Array(await textPdf(doc.pages))], `${doc.title}.pdf`, { type: "application/pdf" }),
      );
      const { document } = await json<{ document: { id: string } }>(`${api}/api/documents`, {
        method: "POST",
        token,
        body: form,
      });
      ids.push(document.id);
    }
    for (const id of ids) {
      for (let i = 0; ; i++) {
        const doc = await json<{ status: string }>(`${api}/api/documents/${id}`, { token });
        if (doc.status === "ready") break;
        if (doc.status !== "queued" && doc.status !== "processing")
          throw new Error(`document ${id}: ${doc.status}`);
        if (i > 600) throw new Error(`document ${id} not ready`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const ask = (message: string) =>
      json<TestResult>(`${api}/api/ai/test`, { method: "POST", token, body: JSON.stringify({ message }) });
    let found = 0;
    let facts = 0;
    let cited = 0;
    let sentences = 0;
    const misses: string[] = [];
    const started = performance.now();
    for (const question of QUESTIONS) {
      const result = await ask(question.q);
      const hit = result.passages
        .slice(0, 3)
        .some((p) => p.title === question.title && p.page === question.page);
      const fact = result.reply.toLowerCase().includes(question.fact.toLowerCase());
      if (hit) found++;
      if (fact) facts++;
      if (result.citations.some((c) => c.title === question.title && c.page === question.page)) cited++;
      sentences += (result.reply.split("\n\nSource:")[0]?.match(/[.!?](\s|$)/g) ?? []).length;
      if (!hit || !fact)
        misses.push(
          `  ${hit ? "found" : "MISSED"}, fact ${fact ? "quoted" : "NOT quoted"}: ${question.q}\n    → ${result.reply.replace(/\s+/g, " ").slice(0, 160)}`,
        );
    }
    const perQuestion = (performance.now() - started) / QUESTIONS.length;
    let dontKnow = 0;
    for (const q of UNANSWERABLE) {
      const { reply } = await ask(q);
      if (/I don't know/.test(reply)) dontKnow++;
      else
        misses.push(
          `  ANSWERED an unanswerable question: ${q}\n    → ${reply.replace(/\s+/g, " ").slice(0, 160)}`,
        );
    }
    const n = QUESTIONS.length;
    console.log(
      `\n${label} (${stack.databaseKind} Postgres), ${n} questions over ${DOCUMENTS.length} documents:`,
    );
    console.log(`  recall@3: ${(found / n).toFixed(2)} (${found}/${n})`);
    console.log(`  answers containing the expected fact: ${(facts / n).toFixed(2)} (${facts}/${n})`);
    console.log(`  answers citing the expected page: ${(cited / n).toFixed(2)} (${cited}/${n})`);
    console.log(`  sentences per answer: ${(sentences / n).toFixed(1)} on average`);
    console.log(`  unanswerable questions answered "I don't know": ${dontKnow}/${UNANSWERABLE.length}`);
    console.log(`  time per question (HTTP round trip): ${perQuestion.toFixed(0)} ms`);
    if (process.env.BENCH_VERBOSE) console.log(misses.join("\n"));
  } finally {
    await stack.stop();
  }
}

const fake = await startFakeServices();
try {
  if (process.env.BENCH_MODE !== "hybrid") await run("Offline (full-text only, no AI provider)", {});
  if (process.env.BENCH_MODE !== "offline")
    await run("Hybrid (full-text + fake embeddings server)", {
      EMBEDDINGS_API_URL: `${fake.url}/openai/v1`,
      EMBEDDINGS_API_KEY: "bench",
    });
} finally {
  await fake.close();
}
