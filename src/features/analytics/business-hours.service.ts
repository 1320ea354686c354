import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { businessHours, type TenantBusinessHours } from "../../db/schema";

/** The tenant's business hours, or null when none are saved (every hour counts). */
export async function loadBusinessHours(
  db: Pick<Database, "select">,
  tenantId: string,
): Promise<TenantBusinessHours | null> {
  const [row] = await db.select().from(businessHours).where(eq(businessHours.tenantId, tenantId));
  return row ? { timezone: row.timezone, weekly: row.weekly, holidays: row.holidays } : null;
}

export async function getBusinessHours(db: Database, tenantId: string) {
  const [row] = await db.select().from(businessHours).where(eq(businessHours.tenantId, tenantId));
  if (!row) return { configured: false, timezone: "UTC", weekly: {}, holidays: [], updatedAt: null };
  return {
    configured: true,
    timezone: row.timezone,
    weekly: row.weekly,
    holidays: row.holidays,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Replaces the tenant's business hours; durations recorded from now on use them. */
export async function saveBusinessHours(db: Database, tenantId: string, input: TenantBusinessHours) {
  await db
    .insert(businessHours)
    .values({ tenantId, ...input })
    .onConflictDoUpdate({ target: businessHours.tenantId, set: { ...input, updatedAt: new Date() } });
  return getBusinessHours(db, tenantId);
}
