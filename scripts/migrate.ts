// `npm run db:migrate`: applies migrations/ to DATABASE_URL (e.g. Neon, with ?sslmode=require).
import { migrate } from "./lib/migrate.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    "DATABASE_URL is not set. Example: DATABASE_URL='postgres://…/db?sslmode=require' npm run db:migrate",
  );
  process.exit(1);
}

const started = performance.now();
const { host, pathname } = new URL(url);
await migrate(url);
console.log(`Migrations applied to ${host}${pathname} in ${Math.round(performance.now() - started)} ms.`);
