// The processes tests need outside workerd, run as a child of vitest's globalSetup (see global-setup.ts for
// why): Postgres (TEST_DATABASE_URL, else throwaway, else embedded), migrations, the db proxy and the fake
// external APIs. Prints one JSON line with their URLs, then runs until SIGTERM/SIGINT or until stdin
// closes (the parent is gone), and stops everything.
import { proxyTarget, startDbProxy } from "../../../scripts/lib/db-proxy.ts";
import { migrate } from "../../../scripts/lib/migrate.ts";
import { startPostgres } from "../../../scripts/lib/postgres.ts";
import { startFakeServices } from "./fake-services.ts";

export interface TestServiceUrls {
  databaseUrl: string;
  dbProxyUrl: string;
  fakeServicesUrl: string;
}

const cleanups: Array<() => Promise<void>> = [];
let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => console.error("[test-services] cleanup failed:", error));
  }
  process.exit(code);
}
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));
process.stdin.on("end", () => void stop(0));
process.stdin.resume();

try {
  const started = performance.now();
  const db = await startPostgres({ url: process.env.TEST_DATABASE_URL });
  cleanups.push(db.stop);
  const dbReady = performance.now();
  await migrate(db.url);
  const proxy = await startDbProxy({ target: proxyTarget(db.url), tally: true });
  cleanups.push(proxy.close);
  const fakes = await startFakeServices();
  cleanups.push(fakes.close);

  const urls: TestServiceUrls = { databaseUrl: db.url, dbProxyUrl: proxy.url, fakeServicesUrl: fakes.url };
  console.log(JSON.stringify(urls));
  const ms = (from: number, to: number) => `${Math.round(to - from)} ms`;
  console.error(
    `[test-services] ${db.kind} Postgres in ${ms(started, dbReady)}, migrated, proxy and fakes up; ` +
      `total ${ms(started, performance.now())}`,
  );
} catch (error) {
  console.error("[test-services] failed to start:", error);
  await stop(1);
}
