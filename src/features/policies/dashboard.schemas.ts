import { z } from "@hono/zod-openapi";
import { policySources } from "../../db/schema";
import { nonEmptyUpdate } from "../../lib/route-helpers";
import { text } from "../../lib/text";
import { Rupees } from "./policies.schemas";

/** The longest `from`/`to` range (days), so the daily trend stays bounded. */
export const MAX_RANGE_DAYS = 366;

const isoDate = () => text().pipe(z.iso.date());

export const PeriodQuery = z
  .object({
    period: z.enum(["7d", "14d", "30d", "90d"]).optional().openapi({
      description: "The last N days up to today (UTC), on the issue date; default 30d",
    }),
    from: isoDate().optional().openapi({ description: "Issue date on or after (with `to`)" }),
    to: isoDate().optional().openapi({ description: "Issue date on or before (with `from`)" }),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: "from and to go together",
    path: ["from"],
  })
  .refine((q) => !(q.period && q.from), { message: "Give either period or from/to", path: ["period"] })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from is after to", path: ["from"] })
  .refine((q) => !q.from || !q.to || daysBetween(q.from, q.to) < MAX_RANGE_DAYS, {
    message: `At most ${MAX_RANGE_DAYS} days`,
    path: ["to"],
  });
export type PeriodFilter = z.infer<typeof PeriodQuery>;

/** Whole days from `from` to `to` (ISO dates). */
export const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

const money = () => z.number().openapi({ description: "Rupees (two decimals)" });
const Range = z.object({ from: text(), to: text() });
const Share = z.object({ policies: z.number().int(), gwp: money() });

export const MetricsSchema = z
  .object({
    range: Range,
    policies: z.number().int(),
    gwp: money(),
    netPremium: money(),
    brokerage: money(),
    cashback: money(),
    netRevenue: money(),
    averagePremium: money(),
    bySource: z.array(z.object({ source: z.enum(policySources), policies: z.number().int() })),
    byInsurer: z.array(Share.extend({ insurer: text().nullable() })),
    byProduct: z.array(Share.extend({ productLine: text().nullable(), productType: text().nullable() })),
    trend: z.array(Share.extend({ date: text() })),
    renewalsDue: z.object({ next7: z.number().int(), next30: z.number().int(), next60: z.number().int() }),
    renewal: z.object({
      due: z.number().int(),
      renewed: z.number().int(),
      rate: z.number().nullable().openapi({ description: "renewed / due in percent; null when none due" }),
    }),
  })
  .openapi("DashboardMetrics");

export const LeaderboardSchema = z
  .object({
    range: Range,
    data: z.array(
      z.object({
        rank: z.number().int(),
        rep: text().nullable().openapi({ description: "callerName; null for policies without one" }),
        policies: z.number().int(),
        gwp: money(),
        brokerage: money(),
        cashback: money(),
        net: money(),
        averageCashbackPercent: z.number().nullable(),
      }),
    ),
  })
  .openapi("DashboardLeaderboard");

const Percent = z.number().min(0).max(100);

export const SettingsSchema = z
  .object({
    brokeragePercent: Percent.openapi({ description: "Brokerage on net premium when a policy has none" }),
    repDailyCost: Rupees.openapi({ description: "A rep's cost per day (rupees)" }),
    expectedConversion: Percent.openapi({ description: "Expected conversion (%)" }),
    premiumGrowth: Percent.openapi({ description: "Premium growth target (%)" }),
  })
  .openapi("DashboardSettings");
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsUpdateSchema = nonEmptyUpdate(SettingsSchema.partial()).openapi(
  "DashboardSettingsUpdate",
);
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;
