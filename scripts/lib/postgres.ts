import { mkdirSync } from "node:fs";
import { startPgliteGate } from "./pglite-gate.ts";
import { findPostgresBinaries, startThrowaway } from "./postgres-throwaway.ts";

export { findPostgresBinaries };

export type PostgresKind = "external" | "throwaway" | "embedded";

export interface RunningPostgres {
  url: string;
  kind: PostgresKind;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** An existing server (TEST_DATABASE_URL, DATABASE_URL): nothing is started. */
  url?: string;
  /** Where embedded PGlite keeps its data; in memory when absent. A throwaway server always uses a temp dir. */
  dataDir?: string;
  /** Use embedded PGlite even when PostgreSQL server binaries are installed. */
  preferEmbedded?: boolean;
  log?: (line: string) => void;
  /** The throwaway server's port (default: a free one). */
  port?: number;
}

/** Provides a real PostgreSQL: the given URL, else a throwaway server from local binaries, else PGlite. */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<RunningPostgres> {
  if (opts.url) return { url: opts.url, kind: "external", stop: async () => {} };
  const bindir = opts.preferEmbedded ? undefined : findPostgresBinaries();
  if (bindir)
    return { ...(await startThrowaway(bindir, opts.log ?? (() => {}), opts.port)), kind: "throwaway" };
  return startEmbedded(opts.dataDir);
}

async function startEmbedded(dataDir: string | undefined): Promise<RunningPostgres> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { vector } = await import("@electric-sql/pglite-pgvector");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { extensions: { vector } });
  await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
  // Port 0 lets the OS pick. Every client shares PGlite's single backend: clients reach it through
  // the gate, which hands it to one connection at a time (the socket server alone interleaves them).
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 100 });
  await server.start();
  const gate = await startPgliteGate(server.getServerConn());
  // PGlite has one database and trusts any password; the name and password are placeholders.
  return {
    url: `postgres://postgres:postgres@${gate.address}/postgres`,
    kind: "embedded",
    stop: async () => {
      await gate.close();
      await server.stop();
      await db.close();
    },
  };
}
