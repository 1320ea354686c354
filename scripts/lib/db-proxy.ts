import { createServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { sqlOverHttp } from "./db-http.ts";

export interface DbProxyOptions {
  /** The only Postgres address clients may reach, as `host:port` (the host as written in DATABASE_URL). */
  target: string;
  /** Port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** Tests: serve `GET /_test/statements?with=VALUE` (statements so far with that parameter). */
  tally?: boolean;
}

export interface DbProxy {
  /** `ws://127.0.0.1:PORT`; the Worker derives neonConfig.wsProxy and fetchEndpoint (`/sql`) from it. */
  url: string;
  close(): Promise<void>;
}

/**
 * Dev/test stand-in for Neon's endpoints in front of a plain Postgres: the WebSocket→TCP bridge of its
 * proxy protocol (`/v1?address=host:port`, raw Postgres wire bytes in binary frames) that the driver's
 * Pool uses, and its HTTP query endpoint (`POST /sql`, see db-http.ts) that `neon()` uses.
 */
export async function startDbProxy(opts: DbProxyOptions): Promise<DbProxy> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const sockets = new Set<Socket>();
  const sql = sqlOverHttp(opts.target, opts.tally);
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    if (url.pathname === "/sql") return sql.handle(req, res);
    if (opts.tally && url.pathname === "/_test/statements") {
      const statements = sql.statementsWith(url.searchParams.get("with") ?? "");
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ statements }));
    }
    res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket upgrade required\n");
  });

  http.on("upgrade", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const refusal = checkRequest(req, opts.target);
    if (refusal) {
      client.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, client, head, (ws) => bridge(ws, opts.target, sockets));
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = http.address();
  if (address === null || typeof address === "string") throw new Error("db proxy has no TCP address");

  return {
    url: `ws://127.0.0.1:${address.port}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await sql.close();
    },
  };
}

/** Returns an HTTP status line when the upgrade must be refused. */
function checkRequest(req: IncomingMessage, target: string): string | undefined {
  // Browsers always send Origin; the Worker runtime and Node clients do not. A web page has no business here.
  if (req.headers.origin !== undefined) return "403 Forbidden";
  const url = new URL(req.url ?? "/", "http://proxy");
  if (url.pathname !== "/v1") return "404 Not Found";
  const address = url.searchParams.get("address");
  if (!address) return "400 Bad Request";
  if (address !== target) return "403 Forbidden";
  return undefined;
}

function bridge(ws: WebSocket, target: string, sockets: Set<Socket>): void {
  const separator = target.lastIndexOf(":");
  const tcp = connect({ host: target.slice(0, separator), port: Number(target.slice(separator + 1)) });
  tcp.setNoDelay(true);
  sockets.add(tcp);

  let closed = false;
  const closeBoth = () => {
    if (closed) return;
    closed = true;
    sockets.delete(tcp);
    tcp.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
  };

  ws.on("message", (data: RawData) => {
    const chunk = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    // Backpressure: stop reading the WebSocket until Postgres has drained what we sent.
    if (!tcp.write(chunk)) {
      ws.pause();
      tcp.once("drain", () => ws.resume());
    }
  });
  tcp.on("data", (chunk: Buffer) => ws.send(chunk, { binary: true }));
  ws.on("close", closeBoth);
  ws.on("error", closeBoth);
  tcp.on("close", closeBoth);
  tcp.on("error", closeBoth);
}

/** The `host:port` a Postgres URL points at, as the Neon driver will ask the proxy for it. */
export function proxyTarget(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname.replace(/^\[(.*)\]$/, "$1")}:${url.port || "5432"}`;
}
