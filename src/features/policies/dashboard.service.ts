import { and, asc, count, desc, eq, gte, lte, type SQLWrapper, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dashboardSettings, policies } from "../../db/schema";
import { daysBetween, type PeriodFilter, type Settings, type SettingsUpdate } from "./dashboard.schemas";

const PERIOD_DAYS = { "7d": 7, "14d": 14, "30d": 30, "90d": 90 } as const;

const addDays = (date: string, days: number) =>
  new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);
/** Paise (a SQL sum, maybe a numeric string) to rupees. */
const rupees = (paise: unknown) => Math.round(Number(paise ?? 0)) / 100;
const sumOf = (value: SQLWrapper) => sql<string>`coalesce(sum(${value}), 0)`;

/** The issue-date range a query asks for: `from`/`to`, else the last N days up to today (UTC). */
export function rangeOf(filter: PeriodFilter): { from: string; to: string } {
  if (filter.from && filter.to) return { from: filter.from, to: filter.to };
  const to = today();
  return { from: addDays(to, 1 - PERIOD_DAYS[filter.period ?? "30d"]), to };
}

const inRange = (tenantId: string, range: { from: string; to: string }) =>
  and(
    eq(policies.tenantId, tenantId),
    eq(policies.status, "saved"),
    gte(policies.issueDate, range.from),
    lte(policies.issueDate, range.to),
  );

/** A policy's brokerage in paise: its own, else the tenant's percent of its net premium. */
const brokerageOf = (percent: number) =>
  sql`coalesce(${policies.brokerage}, round(coalesce(${policies.netPremium}, 0) * ${percent}::numeric / 100))`;

/** The tenant's dashboard settings (the defaults when never saved). */
export async function getSettings(db: Database, tenantId: string): Promise<Settings> {
  const [row] = await db.select().from(dashboardSettings).where(eq(dashboardSettings.tenantId, tenantId));
  return {
    brokeragePercent: row?.brokeragePercent ?? 15,
    repDailyCost: (row?.repDailyCost ?? 200_000) / 100,
    expectedConversion: row?.expectedConversion ?? 25,
    premiumGrowth: row?.premiumGrowth ?? 10,
  };
}

/** Saves the given settings (the others keep their value or default). */
export async function updateSettings(db: Database, tenantId: string, update: SettingsUpdate) {
  const values = {
    brokeragePercent: update.brokeragePercent,
    repDailyCost: update.repDailyCost === undefined ? undefined : Math.round(update.repDailyCost * 100),
    expectedConversion: update.expectedConversion,
    premiumGrowth: update.premiumGrowth,
  };
  await db
    .insert(dashboardSettings)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: dashboardSettings.tenantId, set: values });
  return getSettings(db, tenantId);
}

/** The founder's KPIs over the saved policies issued in the range (see docs/policies.md, Dashboard). */
export async function dashboardMetrics(db: Database, tenantId: string, filter: PeriodFilter) {
  const range = rangeOf(filter);
  const { brokeragePercent } = await getSettings(db, tenantId);
  const where = inRange(tenantId, range);
  const share = { policies: count(), gwp: sumOf(policies.totalPremium) };
  const now = today();
  const renewedLater = sql`exists (select 1 from policies r where r.tenant_id = ${policies.tenantId}
    and r.status = 'saved' and r.id <> ${policies.id}
    and ((r.vehicle_number = ${policies.vehicleNumber} and r.issue_date > ${policies.issueDate})
      or r.previous_policy_number = ${policies.policyNumber}))`;
  const dueWithin = (days: number) =>
    sql<number>`count(*) filter (where ${policies.expiryDate} between ${now} and ${addDays(now, days)})`.mapWith(
      Number,
    );
  const [[totals], bySource, byInsurer, byProduct, trend, [due], [renewal]] = await Promise.all([
    db
      .select({
        policies: count(),
        gwp: sumOf(policies.totalPremium),
        netPremium: sumOf(policies.netPremium),
        brokerage: sumOf(brokerageOf(brokeragePercent)),
        cashback: sumOf(policies.cashback),
      })
      .from(policies)
      .where(where),
    db
      .select({ source: policies.source, policies: count() })
      .from(policies)
      .where(where)
      .groupBy(policies.source)
      .orderBy(desc(count()), asc(policies.source)),
    db
      .select({ insurer: policies.insurer, ...share })
      .from(policies)
      .where(where)
      .groupBy(policies.insurer)
      .orderBy(desc(count()), asc(policies.insurer)),
    db
      .select({ productLine: policies.productLine, productType: policies.productType, ...share })
      .from(policies)
      .where(where)
      .groupBy(policies.productLine, policies.productType)
      .orderBy(desc(count()), asc(policies.productLine), asc(policies.productType)),
    db
      .select({ date: policies.issueDate, ...share })
      .from(policies)
      .where(where)
      .groupBy(policies.issueDate),
    db
      .select({ next7: dueWithin(7), next30: dueWithin(30), next60: dueWithin(60) })
      .from(policies)
      .where(and(eq(policies.tenantId, tenantId), eq(policies.status, "saved"))),
    db
      .select({
        due: count(),
        renewed: sql<number>`count(*) filter (where ${renewedLater})`.mapWith(Number),
      })
      .from(policies)
      .where(
        and(
          eq(policies.tenantId, tenantId),
          eq(policies.status, "saved"),
          gte(policies.expiryDate, range.from),
          lte(policies.expiryDate, range.to),
        ),
      ),
  ]);
  const n = totals?.policies ?? 0;
  const byDate = new Map(trend.map((day) => [day.date, day]));
  // Counted, not compared as strings: past year 9999 the ISO form gains a sign and sorts first.
  const days = Array.from({ length: daysBetween(range.from, range.to) + 1 }, (_, index) => {
    const date = addDays(range.from, index);
    const day = byDate.get(date);
    return { date, policies: day?.policies ?? 0, gwp: rupees(day?.gwp) };
  });
  const brokerage = Number(totals?.brokerage ?? 0);
  const cashback = Number(totals?.cashback ?? 0);
  const dueCount = renewal?.due ?? 0;
  const renewed = renewal?.renewed ?? 0;
  return {
    range,
    policies: n,
    gwp: rupees(totals?.gwp),
    netPremium: rupees(totals?.netPremium),
    brokerage: rupees(brokerage),
    cashback: rupees(cashback),
    netRevenue: rupees(brokerage - cashback),
    averagePremium: n ? rupees(Number(totals?.gwp) / n) : 0,
    bySource,
    byInsurer: byInsurer.map((row) => ({ ...row, gwp: rupees(row.gwp) })),
    byProduct: byProduct.map((row) => ({ ...row, gwp: rupees(row.gwp) })),
    trend: days,
    renewalsDue: { next7: due?.next7 ?? 0, next30: due?.next30 ?? 0, next60: due?.next60 ?? 0 },
    renewal: {
      due: dueCount,
      renewed,
      rate: dueCount ? Math.round((renewed / dueCount) * 10_000) / 100 : null,
    },
  };
}

/** Per rep (callerName): the saved policies issued in the range and their money, ranked by net. */
export async function dashboardLeaderboard(db: Database, tenantId: string, filter: PeriodFilter) {
  const range = rangeOf(filter);
  const { brokeragePercent } = await getSettings(db, tenantId);
  const brokerage = sumOf(brokerageOf(brokeragePercent));
  const cashback = sumOf(policies.cashback);
  const net = sql<string>`${brokerage} - ${cashback}`;
  const rows = await db
    .select({
      rep: policies.callerName,
      policies: count(),
      gwp: sumOf(policies.totalPremium),
      brokerage,
      cashback,
      net,
      averageCashbackPercent: sql<
        string | null
      >`avg(coalesce(${policies.cashback}, 0) * 100.0 / ${policies.netPremium})
        filter (where ${policies.netPremium} > 0)`,
    })
    .from(policies)
    .where(inRange(tenantId, range))
    .groupBy(policies.callerName)
    .orderBy(desc(net), desc(count()), asc(policies.callerName));
  return {
    range,
    data: rows.map((row, index) => ({
      rank: index + 1,
      rep: row.rep,
      policies: row.policies,
      gwp: rupees(row.gwp),
      brokerage: rupees(row.brokerage),
      cashback: rupees(row.cashback),
      net: rupees(row.net),
      averageCashbackPercent:
        row.averageCashbackPercent === null
          ? null
          : Math.round(Number(row.averageCashbackPercent) * 100) / 100,
    })),
  };
}
