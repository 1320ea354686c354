import { and, asc, count, desc, gte, lte, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { policies } from "../../db/schema";
import { toCsv } from "../../lib/csv";
import { getSettings } from "./dashboard.service";
import type { ExplorerFilter, ExplorerGroup } from "./explorer.schemas";
import { policyConditions } from "./policy-filters";

/** The most rows one CSV export holds (narrow the filters for more). */
export const EXPORT_MAX_ROWS = 10_000;

const rupees = (paise: unknown) => Math.round(Number(paise ?? 0)) / 100;
const maybeRupees = (paise: number | null) => (paise === null ? null : paise / 100);
const sumOf = (value: SQLWrapper) => sql<string>`coalesce(sum(${value}), 0)`;

const GROUP_KEYS: Record<ExplorerGroup, SQL<string | null>> = {
  insurer: sql`${policies.insurer}`,
  make: sql`${policies.make}`,
  rep: sql`${policies.callerName}`,
  branch: sql`${policies.branch}`,
  month: sql`to_char(${policies.issueDate}, 'YYYY-MM')`,
};

function explorerWhere(tenantId: string, filter: ExplorerFilter) {
  // Figures come from saved records only, like every dashboard figure.
  const conditions = policyConditions(tenantId, { ...filter, status: "saved" });
  const same = (column: SQLWrapper, value: string) => sql`lower(${column}) = lower(${value})`;
  if (filter.model) conditions.push(same(policies.model, filter.model));
  if (filter.rollover) conditions.push(same(policies.rollover, filter.rollover));
  if (filter.vehiclePrefix === "BH") conditions.push(sql`substr(${policies.vehicleNumber}, 3, 2) = 'BH'`);
  else if (filter.vehiclePrefix)
    conditions.push(sql`substr(${policies.vehicleNumber}, 1, 2) = ${filter.vehiclePrefix}`);
  if (filter.cashbackMin !== undefined)
    conditions.push(gte(policies.cashback, Math.round(filter.cashbackMin * 100)));
  if (filter.cashbackMax !== undefined)
    conditions.push(lte(policies.cashback, Math.round(filter.cashbackMax * 100)));
  return and(...conditions);
}

/** Saved records matching the filters: the sums, the sums per group, and a page of rows. Money in
 * rupees; brokerage is the policy's own, else the tenant's percent of its net premium. */
export async function explore(
  db: Database,
  tenantId: string,
  filter: ExplorerFilter,
  rowLimit = filter.limit,
) {
  const { brokeragePercent } = await getSettings(db, tenantId);
  const brokerage = sql<string>`coalesce(${policies.brokerage}, round(coalesce(${policies.netPremium}, 0) * ${brokeragePercent}::numeric / 100))`;
  const sums = {
    policies: count(),
    gwp: sumOf(policies.totalPremium),
    netPremium: sumOf(policies.netPremium),
    brokerage: sumOf(brokerage),
    cashback: sumOf(policies.cashback),
  };
  const where = explorerWhere(tenantId, filter);
  const key = filter.groupBy ? GROUP_KEYS[filter.groupBy] : null;
  const net = sql<string>`${sumOf(brokerage)} - ${sumOf(policies.cashback)}`;
  const [[totals], groups, rows] = await Promise.all([
    db.select(sums).from(policies).where(where),
    key
      ? db
          .select({ key, ...sums })
          .from(policies)
          .where(where)
          .groupBy(key)
          .orderBy(desc(net), asc(key))
      : Promise.resolve(null),
    db
      .select({ policy: policies, brokerage })
      .from(policies)
      .where(where)
      .orderBy(desc(policies.issueDate), desc(policies.id))
      .limit(rowLimit)
      .offset(filter.offset),
  ]);
  const money = (row: { gwp: string; netPremium: string; brokerage: string; cashback: string }) => ({
    gwp: rupees(row.gwp),
    netPremium: rupees(row.netPremium),
    brokerage: rupees(row.brokerage),
    cashback: rupees(row.cashback),
    net: rupees(Number(row.brokerage) - Number(row.cashback)),
  });
  const n = totals?.policies ?? 0;
  const next = filter.offset + rows.length;
  return {
    totals: { policies: n, ...money(totals ?? { gwp: "0", netPremium: "0", brokerage: "0", cashback: "0" }) },
    groups: groups?.map((group) => ({ key: group.key, policies: group.policies, ...money(group) })) ?? null,
    data: rows.map(({ policy: p, brokerage: paise }) => ({
      id: p.id,
      policyNumber: p.policyNumber,
      insurer: p.insurer,
      productLine: p.productLine,
      productType: p.productType,
      issueDate: p.issueDate,
      expiryDate: p.expiryDate,
      customerName: p.customerName,
      vehicleNumber: p.vehicleNumber,
      make: p.make,
      model: p.model,
      callerName: p.callerName,
      branch: p.branch,
      rollover: p.rollover,
      totalPremium: maybeRupees(p.totalPremium),
      netPremium: maybeRupees(p.netPremium),
      brokerage: rupees(paise),
      cashback: maybeRupees(p.cashback),
      net: rupees(Number(paise) - (p.cashback ?? 0)),
    })),
    total: n,
    nextOffset: next < n ? next : null,
  };
}

const fixed = (rupeesValue: number | null) => (rupeesValue === null ? null : rupeesValue.toFixed(2));
const MONEY_COLUMNS = ["gwp", "netPremium", "brokerage", "cashback", "net", "totalPremium"];
const ROW_COLUMNS = [
  "id",
  "policyNumber",
  "insurer",
  "productLine",
  "productType",
  "issueDate",
  "expiryDate",
  "customerName",
  "vehicleNumber",
  "make",
  "model",
  "callerName",
  "branch",
  "rollover",
  "totalPremium",
  "netPremium",
  "brokerage",
  "cashback",
  "net",
];

/** The explorer as CSV: the groups when grouped, else every matching row (up to EXPORT_MAX_ROWS);
 * money in rupees with two decimals. */
export async function exploreCsv(db: Database, tenantId: string, filter: ExplorerFilter) {
  const result = await explore(db, tenantId, { ...filter, offset: 0 }, EXPORT_MAX_ROWS);
  const table: Array<Record<string, string | number | null>> = result.groups
    ? result.groups.map(({ key, ...sums }) => ({ [filter.groupBy ?? "key"]: key, ...sums }))
    : result.data;
  const header = result.groups
    ? [filter.groupBy ?? "key", "policies", "gwp", "netPremium", "brokerage", "cashback", "net"]
    : ROW_COLUMNS;
  const cells = table.map((row) =>
    header.map((column) => {
      const value = row[column] ?? null;
      return MONEY_COLUMNS.includes(column) && typeof value === "number" ? fixed(value) : value;
    }),
  );
  return { csv: toCsv(header, cells), rows: table.length, total: result.total };
}
