import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { directReader, type RawRow, type Reader, toRawRow } from "./metric-sql";

interface Waiting {
  query: SQL;
  resolve(rows: RawRow[]): void;
  reject(error: unknown): void;
}

/**
 * A reader that sends the queries one request issues together (counts from rollups and the raw
 * edges of their range, percentiles, ratios, gauges) as one `union all` statement: one round trip
 * and one connection instead of one each (in the Worker each costs far more than the index scans
 * behind these parts). Queries issued in the same turn of the event loop share a batch of at most
 * `maxParts` (one backend runs a batch's parts one after another; more batches run in parallel).
 */
export function batchReader(db: Database, maxParts = 64): Reader {
  const direct = directReader(db);
  let pending: Waiting[] | null = null;
  const flush = async (batch: Waiting[]) => {
    if (batch.length === 1) {
      const [only] = batch as [Waiting];
      return direct(only.query).then(only.resolve, only.reject);
    }
    // Parts differ in their columns and types: each row travels as one jsonb object, tagged by its part.
    const parts = batch.map(
      ({ query }, k) => sql`select ${sql.raw(String(k))} as k, to_jsonb(q) as r from (${query}) q`,
    );
    try {
      const result = await db.execute<Record<string, unknown>>(sql.join(parts, sql` union all `));
      const byPart = batch.map((): RawRow[] => []);
      for (const row of result.rows) byPart[Number(row.k)]?.push(toRawRow(row.r as Record<string, unknown>));
      for (const [k, waiting] of batch.entries()) waiting.resolve(byPart[k] ?? []);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  };
  return (query) =>
    new Promise<RawRow[]>((resolve, reject) => {
      if (!pending || pending.length >= maxParts) {
        const batch: Waiting[] = [];
        pending = batch;
        setTimeout(() => {
          if (pending === batch) pending = null;
          void flush(batch);
        }, 0);
      }
      pending.push({ query, resolve, reject });
    });
}
