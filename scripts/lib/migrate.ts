import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate as applyMigrations } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));
/** Arbitrary constant: concurrent migrators (two dev instances, parallel CI jobs) take turns. */
const MIGRATION_LOCK = 727_274_001;

export interface MigrateOptions {
  migrationsFolder?: string;
}

/** Applies the drizzle-kit migrations in migrations/ to the database at `url` (idempotent). */
export async function migrate(url: string, opts: MigrateOptions = {}): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    // Neon's connection strings carry channel_binding=require, which pg only honours as an option.
    enableChannelBinding: new URL(url).searchParams.get("channel_binding") === "require",
  });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    // pgvector exists on Neon and embedded PGlite, not in Debian's PostgreSQL 15: enable it where we can.
    const vector = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    if (vector.rowCount) await client.query("CREATE EXTENSION IF NOT EXISTS vector");
    await applyMigrations(drizzle({ client }), {
      migrationsFolder: opts.migrationsFolder ?? MIGRATIONS_FOLDER,
    });
    // With the extension, chunks also keep their embedding as a stored `vector`: nearest-neighbour
    // search then reads it as is instead of casting every chunk's real[] (2.7x faster on PGlite).
    // Here rather than in a migration, so that a database which gets the extension later gets it too.
    if (vector.rowCount) {
      await client.query(
        "ALTER TABLE document_chunks ADD COLUMN IF NOT EXISTS embedding_vector vector GENERATED ALWAYS AS (embedding::vector) STORED",
      );
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
