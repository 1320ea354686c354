// The dev/test WebSocket→TCP proxy (scripts/lib/db-proxy.ts) in front of embedded PGlite, the database
// `npm run dev` falls back to. PGlite's socket server keeps a connection open after the client's
// Terminate message; the neon driver's end() waits for the close, so a queue consumer that awaits it
// never finished (the second uploaded document then waited forever). The gate in front of PGlite
// (scripts/lib/pglite-gate.ts) closes it instead.
import { Client as NeonClient, neonConfig } from "@neondatabase/serverless";
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
