// Used by .ci/run: starts a throwaway PostgreSQL, prints its URL on stdout, and keeps it running until
// SIGTERM/SIGINT, then stops it and removes its data. Server logs go to stderr.
import { findPostgresBinaries, startPostgres } from "./lib/postgres.ts";

if (!findPostgresBinaries()) {
  console.error("ci-postgres: no PostgreSQL server binaries found (install the `postgresql` package)");
  process.exit(1);
}
const db = await startPostgres({ log: (line) => console.error(`[postgres] ${line}`) });
console.log(db.url);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await db.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
setInterval(() => {}, 1 << 30);
