import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle as drizzleHttp, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import { drizzle as drizzlePool, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { Config } from "../env";
import { describeError, log } from "../lib/logger";

// No `schema` option: the app writes every query with the query builders, never `db.query.*`, and
// drizzle rebuilds the relational config of all tables for each handle it is given a schema
// (about a tenth of a REST request's CPU in workerd).
// `batch` is the HTTP handle's: several statements in one request, run as one transaction.
export type Database = NeonDatabase & Pick<NeonHttpDatabase, "batch">;

/**
 * A database handle for one request. One-shot queries go over Neon's HTTP query endpoint (one round
 * trip, no connection set-up); `transaction()` opens a WebSocket Pool on first use, so only requests
 * that need an interactive transaction pay for a connection. Call `close()` via `waitUntil` when the
 * request is done. Never keep one in module scope.
 */
export function openDatabase(
  config: Pick<Config, "DATABASE_URL" | "DB_PROXY_URL">,
  options: { idleTimeoutMillis?: number } = {},
) {
  if (config.DB_PROXY_URL) routeThroughDevProxy(config.DB_PROXY_URL);
  let pool: Pool | undefined;
  let pooled: NeonDatabase | undefined;
  const viaPool = (): NeonDatabase => {
    if (pooled) return pooled;
    pool = new Pool({ connectionString: config.DATABASE_URL, max: 5, ...options });
    // An idle client whose socket dies (the request's I/O ended first) must not crash the isolate;
    // the next query of this request, if any, reports the failure.
    pool.on("error", (error: unknown) => log("debug", "database connection closed", describeError(error)));
    pooled = drizzlePool({ client: pool, casing: "snake_case" });
    return pooled;
  };
  const transaction: Database["transaction"] = (work, txConfig) => viaPool().transaction(work, txConfig);
  // This request's handle: the shared HTTP one with its own transaction(). Both are drizzle's
  // PgDatabase over the same dialect, so every query builder behaves alike; they differ only in the
  // raw envelope `execute()` returns, and both carry the `rows`, `rowCount`, `fields` and `command`
  // callers read. The cast is confined to this line.
  const db = Object.assign(Object.create(httpHandle(config.DATABASE_URL)), { transaction }) as Database;
  return { db, close: async () => pool?.end() };
}

// An HTTP handle holds no connection or socket: each query is one fetch, made by the request that runs
// it. So one per isolate and database is safe, and drizzle's casing cache in it (every column's
// snake_case name, rebuilt for each table a fresh handle touched) survives from request to request.
const httpHandles = new Map<string, NeonHttpDatabase>();
function httpHandle(url: string): NeonHttpDatabase {
  let handle = httpHandles.get(url);
  if (!handle) {
    handle = drizzleHttp({ client: neon(url), casing: "snake_case" });
    httpHandles.set(url, handle);
  }
  return handle;
}

/** Local dev and tests reach a plain Postgres through the proxy in scripts/ (WebSocket→TCP and HTTP). */
function routeThroughDevProxy(proxyUrl: string): void {
  const proxy = new URL(proxyUrl);
  const secure = proxy.protocol === "wss:";
  neonConfig.wsProxy = (host, port) => `${proxy.host}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = secure;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  // Coalescing defers each write by a timer turn to save TLS frames to Neon; on loopback it only adds
  // latency (a 72-chunk commit of a document: 56–126 ms with it, 40–58 ms without).
  neonConfig.coalesceWrites = false;
  neonConfig.fetchEndpoint = `${secure ? "https" : "http"}://${proxy.host}/sql`;
}
