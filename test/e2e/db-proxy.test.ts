// The dev/test WebSocket→TCP proxy (scripts/lib/db-proxy.ts) in front of embedded PGlite, the database
// `npm run dev` falls back to. PGlite's socket server keeps a connection open after the client's
// Terminate message; the neon driver's end() waits for the close, so a queue consumer that awaits it
// never finished (the second uploaded document then waited forever). The gate in front of PGlite
// (scripts/lib/pglite-gate.ts) closes it instead. The proxy also serves Neon's HTTP query endpoint
// (`POST /sql`), which one-shot queries of the Worker use.
import { Client as NeonClient, neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { proxyTarget, startDbProxy } from "../../scripts/lib/db-proxy.ts";
import { type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";

let server: RunningPostgres;
let proxy: Awaited<ReturnType<typeof startDbProxy>>;

beforeAll(async () => {
  server = await startPostgres({ preferEmbedded: true });
  proxy = await startDbProxy({ target: proxyTarget(server.url) });
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe("db proxy", () => {
  it("closes the connection after the client's Terminate, so the driver's end() returns", async () => {
    const proxyUrl = new URL(proxy.url);
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.wsProxy = (host, port) => `${proxyUrl.host}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    const client = new NeonClient({ connectionString: server.url });
    await client.connect();
    expect((await client.query("select 41 + 1 as answer")).rows).toEqual([{ answer: 42 }]);
    const ended = await Promise.race([
      client.end().then(() => "ended"),
      new Promise((resolve) => setTimeout(() => resolve("still open after 5 s"), 5_000)),
    ]);
    expect(ended).toBe("ended");
  });
});

describe("db proxy's HTTP query endpoint", () => {
  let pgServer: RunningPostgres;
  let httpProxy: Awaited<ReturnType<typeof startDbProxy>>;
  beforeAll(async () => {
    pgServer = await startPostgres();
    httpProxy = await startDbProxy({ target: proxyTarget(pgServer.url) });
  });
  afterAll(async () => {
    await httpProxy?.close();
    await pgServer?.stop();
  });

  it("answers Neon's HTTP queries from a pooled connection, with Postgres' error fields and batch rollback", async () => {
    const endpoint = `${httpProxy.url.replace(/^ws/, "http")}/sql`;
    neonConfig.fetchEndpoint = endpoint;
    const sql = neon(pgServer.url);
    const first = await sql.query("select $1::int + 1 as answer, pg_backend_pid() as pid", [41]);
    const second = await sql.query("select pg_backend_pid() as pid");
    expect(first).toEqual([{ answer: 42, pid: second[0]?.pid }]);

    const table = `http_probe_${Date.now()}`;
    await sql.query(`create table ${table} (id int primary key, note text)`);
    await sql.query(`insert into ${table} values (1, null)`);
    const duplicate = await sql.query(`insert into ${table} values (1, 'again')`).catch((error) => error);
    expect(duplicate).toMatchObject({ code: "23505", constraint: `${table}_pkey`, table });
    const batch = sql.transaction([
      sql.query(`insert into ${table} values (2, 'in the batch')`),
      sql.query(`insert into ${table} values (1, 'duplicate')`),
    ]);
    await expect(batch).rejects.toMatchObject({ code: "23505" });
    expect(await sql.query(`select id, note from ${table} order by id`)).toEqual([{ id: 1, note: null }]);

    const elsewhere = neon(pgServer.url.replace(/:(\d+)\//, ":9/"));
    await expect(elsewhere.query("select 1")).rejects.toThrow(/HTTP status 403/);
    const fromBrowser = await fetch(endpoint, {
      method: "POST",
      headers: { origin: "https://evil.example", "neon-connection-string": pgServer.url },
      body: JSON.stringify({ query: "select 1", params: [] }),
    });
    expect(fromBrowser.status).toBe(403);
  });
});
