import type { Plan, PlanStatus } from "./plan-types";

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A room's plans in its SQLite: one row per plan, the full plan as JSON plus the columns the room
 * queries (status, deadline, version, and whether its copy to Postgres is behind).
 */
export class PlanStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS plans (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, expires_at INTEGER NOT NULL, version INTEGER NOT NULL,
      mirrored_version INTEGER NOT NULL DEFAULT 0, mirror_retry_at INTEGER, data TEXT NOT NULL)`);
  }

  get(id: string): Plan | null {
    const row = this.sql
      .exec("SELECT status, expires_at, version, data FROM plans WHERE id = ?", id)
      .toArray()[0];
    if (!row) return null;
    // The columns are authoritative (the alarm and tests read and age them directly).
    // Stored by write() below: a Plan as JSON.
    const plan: Plan = JSON.parse(String(row.data));
    return {
      ...plan,
      status: row.status as PlanStatus,
      expiresAt: iso(Number(row.expires_at)),
      version: Number(row.version),
    };
  }

  /** Plans matching a condition on the columns, e.g. `status = 'pending'`. */
  find(where: string, ...params: SqlStorageValue[]): Plan[] {
    return this.sql
      .exec(`SELECT id FROM plans WHERE ${where} ORDER BY id`, ...params)
      .toArray()
      .map((r) => this.get(String(r.id)))
      .filter((plan): plan is Plan => plan !== null);
  }

  /** Stores the plan as its next version (synchronous, so a status check and its change are atomic). */
  write(plan: Plan): Plan {
    const row = this.sql.exec("SELECT version FROM plans WHERE id = ?", plan.id).toArray()[0];
    const next = { ...plan, version: Number(row?.version ?? 0) + 1, updatedAt: iso(Date.now()) };
    this.sql.exec(
      `INSERT INTO plans (id, status, expires_at, version, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, expires_at = excluded.expires_at,
         version = excluded.version, data = excluded.data`,
      next.id,
      next.status,
      Date.parse(next.expiresAt),
      next.version,
      JSON.stringify(next),
    );
    return next;
  }

  /** Postgres has `version` of the plan: no retry is due unless a newer version is still behind. */
  mirrored(id: string, version: number): void {
    this.sql.exec(
      `UPDATE plans SET mirrored_version = max(mirrored_version, ?1),
       mirror_retry_at = CASE WHEN version <= ?1 THEN NULL ELSE mirror_retry_at END WHERE id = ?2`,
      version,
      id,
    );
  }

  retryMirrorAt(id: string, at: number): void {
    this.sql.exec("UPDATE plans SET mirror_retry_at = ? WHERE id = ?", at, id);
  }

  /** The earliest pending plan's deadline or copy to retry, if any. */
  nextDeadline(): number | null {
    const row = this.sql
      .exec(
        "SELECT min(CASE WHEN status = 'pending' THEN expires_at END) AS expiry, min(mirror_retry_at) AS retry FROM plans",
      )
      .one();
    const times = [row.expiry, row.retry].filter((t) => t !== null).map(Number);
    return times.length > 0 ? Math.min(...times) : null;
  }
}
