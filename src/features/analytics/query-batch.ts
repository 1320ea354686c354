import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { directReader, type RawRow, type Reader, toRawRow } from "./metric-sql";

interface Waiting {
  query: SQL;
  resolve(rows: RawRow[]): void;
  reject(error: unknown): void;
}

/**
 * A reader that sends the small queries one request issues together (counts from rollups and the
 * raw edges of their range, ratios, gauges) as one `union all` statement: one round trip and one
 * connection instead of one each. Queries issued in the same turn of the event loop share a batch.
 */
export function batchReader(db: Database): Reader {
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
      if (!pending) {
        const batch: Waiting[] = [];
        pending = batch;
        setTimeout(() => {
          pending = null;
          void flush(batch);
        }, 0);
      }
      pending.push({ query, resolve, reject });
    });
}
