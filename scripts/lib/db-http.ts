// Neon's SQL-over-HTTP endpoint (`POST /sql`, what `neon()` and drizzle's neon-http send) in front of a
// plain Postgres, through pooled `pg` connections, so dev, tests and benchmarks make one-shot queries
// the way production does (one HTTP round trip, no connection set-up per request). The protocol, as
// @neondatabase/serverless 1.x speaks it: the connection string in `Neon-Connection-String`, a body
// `{query, params}` or `{queries: [...]}` (a batch, run as one transaction shaped by the
// `Neon-Batch-*` headers), values as Postgres text (`Neon-Raw-Text-Output`) in arrays of arrays
// (`Neon-Array-Mode`) beside `fields` with each column's type OID, which the driver parses as the
// Pool would; a Postgres error is a 400 whose JSON carries its fields (code, constraint, …).
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";

const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The error fields the driver copies onto its NeonDbError (its list, in its order). */
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;
const ISOLATION: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};
// Every value stays the text Postgres sent: the driver applies the type parsers itself.
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: unknown) => value };

interface SqlQuery {
  query: string;
  params: unknown[];
}

export interface SqlOverHttp {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** With `tally`: how many statements so far had `value` among their parameters. */
  statementsWith(value: string): number;
  close(): Promise<void>;
}

const TALLY_LIMIT = 100_000;

/**
 * Serves `POST /sql` for connection strings that point at `target` (`host:port`). `tally` (tests
 * only) counts statements by each string parameter, so a test can tell how often a request asked
 * Postgres about, say, one conversation.
 */
export function sqlOverHttp(target: string, tally = false): SqlOverHttp {
  const seen = new Map<string, number>();
  const count = (queries: SqlQuery[]) => {
    if (!tally) return;
    if (seen.size > TALLY_LIMIT) seen.clear();
    for (const { params } of queries)
      for (const value of new Set(params.filter((p) => typeof p === "string")))
        seen.set(value, (seen.get(value) ?? 0) + 1);
  };
  const pools = new Map<string, pg.Pool>();
  const poolFor = (connectionString: string) => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000 });
      // A pooled connection dropped by the server (restart, outage test) must not crash the dev proxy.
      pool.on("error", () => {});
      pools.set(connectionString, pool);
    }
    return pool;
  };
  return {
    handle: (req, res) => {
      serve(req, target, poolFor, count).then(
        ({ status, body }) =>
          res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)),
        (error: unknown) =>
          res.writeHead(500, { "content-type": "text/plain" }).end(`db proxy: ${String(error)}\n`),
      );
    },
    statementsWith: (value) => seen.get(value) ?? 0,
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}

type Reply = { status: number; body: unknown };
const refuse = (status: number, message: string): Reply => ({ status, body: { message } });

async function serve(
  req: IncomingMessage,
  target: string,
  poolFor: (url: string) => pg.Pool,
  count: (queries: SqlQuery[]) => void,
): Promise<Reply> {
  // Browsers always send Origin; the Worker runtime and Node clients do not.
  if (req.headers.origin !== undefined) return refuse(403, "browsers may not use the db proxy");
  if (req.method !== "POST") return refuse(405, "POST a query");
  const connectionString = req.headers["neon-connection-string"];
  if (typeof connectionString !== "string" || connectionTarget(connectionString) !== target) {
    return refuse(403, "Neon-Connection-String must point at the proxied Postgres");
  }
  const parsed = parseBody(await readBody(req));
  if (!parsed) return refuse(400, "expected {query, params} or {queries: [{query, params}, ...]}");
  const pool = poolFor(connectionString);
  count(Array.isArray(parsed) ? parsed : [parsed]);
  try {
    if (!Array.isArray(parsed)) return { status: 200, body: await run(pool, parsed) };
    return { status: 200, body: { results: await runBatch(pool, parsed, req.headers) } };
  } catch (error) {
    if (!(error instanceof pg.DatabaseError)) throw error;
    const body: Record<string, unknown> = { message: error.message };
    for (const field of ERROR_FIELDS) if (error[field] !== undefined) body[field] = error[field];
    return { status: 400, body };
  }
}

async function run(client: pg.Pool | pg.PoolClient, { query, params }: SqlQuery) {
  // Extended protocol even without parameters, as Neon runs it (one statement per query); pg reads
  // `queryMode` though its types do not list it.
  const config: pg.QueryArrayConfig & { queryMode: "extended" } = {
    text: query,
    values: params,
    rowMode: "array",
    types: RAW_TEXT,
    queryMode: "extended",
  };
  const result = await client.query(config);
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields,
    rowAsArray: true,
  };
}

async function runBatch(pool: pg.Pool, queries: SqlQuery[], headers: IncomingMessage["headers"]) {
  const isolation = ISOLATION[String(headers["neon-batch-isolation-level"])];
  const begin = [
    "BEGIN",
    isolation ? `ISOLATION LEVEL ${isolation}` : "",
    headers["neon-batch-read-only"] === "true" ? "READ ONLY" : "",
    headers["neon-batch-deferrable"] === "true" ? "DEFERRABLE" : "",
  ];
  const client = await pool.connect();
  try {
    await client.query(begin.filter(Boolean).join(" "));
    const results = [];
    for (const query of queries) results.push(await run(client, query));
    await client.query("COMMIT");
    return results;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function connectionTarget(connectionString: string): string | undefined {
  try {
    const url = new URL(connectionString);
    return `${url.hostname.replace(/^\[(.*)\]$/, "$1")}:${url.port || "5432"}`;
  } catch {
    return undefined;
  }
}

function parseBody(text: string | undefined): SqlQuery | SqlQuery[] | undefined {
  if (text === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isQuery = (value: unknown): value is SqlQuery =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as SqlQuery).query === "string" &&
    Array.isArray((value as SqlQuery).params ?? []);
  const withParams = (q: SqlQuery): SqlQuery => ({ query: q.query, params: q.params ?? [] });
  if (typeof body === "object" && body !== null && "queries" in body) {
    const { queries } = body;
    return Array.isArray(queries) && queries.every(isQuery) ? queries.map(withParams) : undefined;
  }
  return isQuery(body) ? withParams(body) : undefined;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
