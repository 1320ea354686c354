// `npm run bench:console`: the staff console against the running app (`wrangler dev`, real Postgres) in
// Chromium: the first screen's size, time to interactive, and the inbox holding BENCH_CONVERSATIONS
// (default 2,000) conversations: time until all are listed, rows in the DOM, and frame times while
// scrolling through them. Figures are printed, never asserted.
import pg from "pg";
import { chromium } from "playwright-core";
import { buildConsole } from "./build-console.ts";
import { spawnAppStack } from "./lib/app-stack.ts";
import { startPostgres } from "./lib/postgres.ts";

const COUNT = Number(process.env.BENCH_CONVERSATIONS ?? 2000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await fetch(url, { ...init, headers });
  if (!response.ok)
    throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const { firstScreenGzip } = await buildConsole();
const db = await startPostgres();
const stack = await spawnAppStack({ databaseUrl: db.url });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox"] });
try {
  const email = `bench-${Date.now()}@example.test`;
  const password = "bench password 1";
  const session = await json<{ accessToken: string }>(`${stack.url}/api/auth/register`, {
    method: "POST",
    body: JSON.stringify({ tenantName: "Console bench", name: "Bench", email, password }),
  });
  const tenant = await json<{ tenant: { id: string } }>(`${stack.url}/api/auth/profile`, {
    token: session.accessToken,
  });
  // The conversations go straight into Postgres (the REST API's per-principal rate limit would make
  // seeding them take 20 minutes); the inbox lists them from there like any others.
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const started = performance.now();
  await client.query(
    `INSERT INTO conversations (id, tenant_id, visitor_id, status, last_message_preview, last_message_at, updated_at)
     SELECT gen_random_uuid(), $1, 'visitor-' || n, 'open', 'Question number ' || n, now() - n * interval '1 second',
            now() - n * interval '1 second'
     FROM generate_series(1, $2::int) AS n`,
    [tenant.tenant.id, COUNT],
  );
  await client.end();
  console.log(`[bench] ${COUNT} conversations stored in ${(performance.now() - started).toFixed(0)} ms`);

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const loadStart = performance.now();
  await page.goto(`${stack.url}/app/`);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  const interactive = performance.now() - loadStart;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const signInStart = performance.now();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".inbox-list .row").first().waitFor();
  const firstRows = performance.now() - signInStart;
  await page.getByText(`${COUNT} conversations`).waitFor({ timeout: 120_000 });
  const allRows = performance.now() - signInStart;
  const domRows = await page.locator(".inbox-list .row").count();

  // Scroll the list top to bottom in 60 steps, one per animation frame, timing each frame.
  const frames = await page.evaluate(`(async () => {
    const list = document.querySelector(".inbox-list");
    const times = [];
    let last = performance.now();
    for (let i = 1; i <= 60; i += 1) {
      list.scrollTop = (list.scrollHeight * i) / 60;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  })()`);
  const frameTimes = frames as number[];
  const lastVisible = await page.locator(".inbox-list .row").last().textContent();

  console.log("");
  console.log("| figure | value |");
  console.log("|---|---|");
  console.log(`| first screen (JS + CSS, gzip) | ${(firstScreenGzip / 1024).toFixed(1)} KB |`);
  console.log(`| /app/ to an interactive sign-in form | ${interactive.toFixed(0)} ms |`);
  console.log(`| sign-in to the first inbox rows | ${firstRows.toFixed(0)} ms |`);
  console.log(`| sign-in to all ${COUNT} conversations listed | ${allRows.toFixed(0)} ms |`);
  console.log(`| rows in the DOM with ${COUNT} listed | ${domRows} |`);
  console.log(
    `| frame time while scrolling through all (p50 / p99 / max) | ${pct(frameTimes, 50).toFixed(1)} / ${pct(frameTimes, 99).toFixed(1)} / ${Math.max(...frameTimes).toFixed(1)} ms |`,
  );
  console.log(`| last row after scrolling | ${lastVisible?.slice(0, 40)} |`);
} finally {
  await browser.close();
  await stack.stop();
  await db.stop();
}
