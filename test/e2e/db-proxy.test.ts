// The dev/test WebSocket→TCP proxy (scripts/lib/db-proxy.ts) in front of embedded PGlite, the database
// `npm run dev` falls back to. PGlite's socket server keeps a connection open after the client's
// Terminate message; the neon driver's end() waits for the close, so a queue consumer that awaits it
// never finished (the second uploaded document then waited forever). The proxy closes it instead.
import { Client as NeonClient, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { proxyTarget, startDbProxy, terminateWatcher } from "../../scripts/lib/db-proxy.ts";
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

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const startup = () => {
  const body = Buffer.from("user\0postgres\0database\0postgres\0\0", "latin1");
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
};

describe("db proxy", () => {
  it("finds a Terminate message however the stream is cut, and not inside another message", () => {
    const terminate = message("X", Buffer.alloc(0));
    // A query whose text holds the bytes of a Terminate message.
    const query = message("Q", Buffer.from("select 'X\0\0\0\u0004'\0", "latin1"));
    const stream = Buffer.concat([startup(), query, message("Q", Buffer.from("select 1\0")), terminate]);
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const seen = terminateWatcher();
      const hits: number[] = [];
      for (let offset = 0; offset < stream.length; offset += size) {
        if (seen(stream.subarray(offset, offset + size))) hits.push(Math.min(stream.length, offset + size));
      }
      expect(hits, `chunks of ${size}`).toEqual([stream.length]);
    }
    const quiet = terminateWatcher();
    expect(quiet(Buffer.concat([startup(), query]))).toBe(false);
    // A client that asks for TLS: what follows is encrypted, never read as messages.
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(80877103, 4);
    const encrypted = terminateWatcher();
    expect(encrypted(Buffer.concat([ssl, terminate]))).toBe(false);
  });

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
