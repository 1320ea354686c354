// `npm run dev`: database, migrations, seed, db proxy and `wrangler dev`, with no configuration needed.
// Everything one instance owns lives in .data/<PORT>/, so instances on different ports never clash.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildConsole } from "./build-console.ts";
import { proxyTarget, startDbProxy } from "./lib/db-proxy.ts";
import { gitCommit, loadLocalSecrets, passedThrough, writeEnvFile } from "./lib/dev-env.ts";
import { freePort, isPortFree } from "./lib/free-port.ts";
import { migrate } from "./lib/migrate.ts";
import { startPostgres } from "./lib/postgres.ts";
import { startWranglerDev, waitForHealthy } from "./lib/wrangler-dev.ts";
import { seed } from "./seed.ts";

const nodeMajor = Number(process.versions.node.split(".")[0]);
if (nodeMajor < 22) {
  console.error(
    `Switchboard needs Node.js 22 or newer (wrangler refuses older ones); this is ${process.version}.`,
  );
  process.exit(1);
}

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, got "${process.env.PORT}".`);
  process.exit(1);
}
const instanceDir = join(root, ".data", String(port));
const origin = `http://localhost:${port}`;
const say = (line: string) => console.log(`[dev] ${line}`);

const cleanups: Array<() => Promise<void>> = [];
let shuttingDown = false;
let shutdownStarted = 0;
async function shutdown(code: number): Promise<void> {
  if (shuttingDown) {
    // Ctrl-C reaches us twice (from the terminal and relayed by tsx); only a later press means "now".
    if (Date.now() - shutdownStarted > 2_000) process.exit(code);
    return;
  }
  shuttingDown = true;
  shutdownStarted = Date.now();
  say("shutting down…");
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => console.error("[dev] cleanup failed:", error));
  }
  say("stopped");
  process.exit(code);
}
// Another Ctrl-C more than 2 s into the cleanup exits at once.
process.on("SIGINT", () => void shutdown(130));
process.on("SIGTERM", () => void shutdown(143));

// A second instance on the same port would also open the same PGlite data directory: refuse early.
if (!(await isPortFree(port))) {
  console.error(`Port ${port} is in use (another \`npm run dev\`?). Pick another one: PORT=8788 npm run dev`);
  process.exit(1);
}

try {
  mkdirSync(instanceDir, { recursive: true });
  let started = performance.now();
  const db = await startPostgres({
    url: process.env.DATABASE_URL,
    preferEmbedded: true,
    dataDir: join(instanceDir, "pglite"),
  });
  cleanups.push(db.stop);
  const where = db.kind === "external" ? "DATABASE_URL" : `embedded PGlite in .data/${port}/pglite`;
  say(`database: ${where} (${elapsed(started)})`);
  // `npm run seed` finds this instance's database here while it runs.
  const urlFile = join(instanceDir, "database-url");
  writeFileSync(urlFile, `${db.url}\n`, { mode: 0o600 });
  cleanups.push(async () => rmSync(urlFile, { force: true }));

  started = performance.now();
  await migrate(db.url);
  say(`migrations applied (${elapsed(started)})`);
  const seedLines = await seedDemoData(db.url);

  // Neon's own endpoint speaks WebSocket; anything else is a plain Postgres the Worker reaches via the proxy.
  const viaProxy = !new URL(db.url).hostname.endsWith(".neon.tech");
  const proxy = viaProxy ? await startDbProxy({ target: proxyTarget(db.url) }) : undefined;
  if (proxy) cleanups.push(proxy.close);

  const secrets = loadLocalSecrets(join(root, ".data", "secrets.json"));
  const envFile = join(instanceDir, "dev.vars");
  const fromEnvironment = passedThrough(process.env);
  const names = Object.keys(fromEnvironment);
  if (names.length > 0) say(`from the environment: ${names.join(", ")}`);
  // wrangler lets these values win over wrangler.toml's [vars] (e.g. ALLOW_PRIVATE_OUTBOUND = "true").
  writeEnvFile(envFile, {
    DATABASE_URL: db.url,
    ...(proxy ? { DB_PROXY_URL: proxy.url } : {}),
    ...secrets,
    GIT_COMMIT: gitCommit(root),
    APP_URL: origin,
    CORS_ORIGINS: `${origin},http://127.0.0.1:${port}`,
    ...fromEnvironment,
  });

  // The console is rebuilt on every change to src/console (wrangler serves public/app as it is).
  await buildConsole({ watch: true });
  say("console: built into public/app, rebuilt on change");
  const wrangler = startWranglerDev({
    root,
    port,
    inspectorPort: await freePort(),
    persistTo: join(instanceDir, "wrangler"),
    envFile,
  });
  cleanups.push(wrangler.stop);
  void wrangler.exited.then((code) => {
    if (shuttingDown) return;
    console.error(`[dev] wrangler exited (${code})`);
    void shutdown(typeof code === "number" && code !== 0 ? code : 1);
  });

  started = performance.now();
  if (await waitForHealthy(`http://127.0.0.1:${port}/health`, wrangler.exited)) {
    printBanner(seedLines, elapsed(started));
  } else if (!shuttingDown) {
    console.error(
      `[dev] ${origin}/health did not answer 200 yet; wrangler keeps running, see its output above.`,
    );
  }
} catch (error) {
  console.error("[dev] failed to start:", error);
  await shutdown(1);
}

/** A broken seed should not keep the API down: report it and carry on without demo accounts. */
async function seedDemoData(databaseUrl: string): Promise<string[]> {
  try {
    const { created, lines } = await seed(databaseUrl);
    say(`seed: ${created ? "demo accounts created" : "demo accounts already present"}`);
    return lines;
  } catch (error) {
    console.error("[dev] seeding failed, continuing without demo accounts:", error);
    return ["(seeding failed, see the error above; retry with `npm run seed` while dev runs)"];
  }
}

function printBanner(seedLines: string[], readyIn: string): void {
  const rule = "─".repeat(72);
  const lines = [
    rule,
    ` Switchboard is running at ${origin}  (worker ready in ${readyIn})`,
    ` API docs:      ${origin}/docs`,
    ` OpenAPI:       ${origin}/openapi.json`,
    "",
    " Sign in (use a seeded account below):",
    `   curl -s ${origin}/api/auth/login -H 'content-type: application/json' \\`,
    `        -d '{"email":"<email>","password":"<password>"}'`,
    "",
    " Seeded credentials:",
    ...(seedLines.length > 0
      ? seedLines.map((line) => `   ${line}`)
      : ["   (none reported by scripts/seed.ts)"]),
    "",
    ` Local data: .data/${port}/ (database, wrangler state); local secrets: .data/secrets.json`,
    " Press Ctrl-C to stop.",
    rule,
  ];
  console.log(`\n${lines.join("\n")}\n`);
}

function elapsed(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}
