import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { Rupees } from "./policies.schemas";
import { PolicyFilterShape, rangesInOrder } from "./policy-filters";

export const EXPLORER_GROUPS = ["insurer", "make", "rep", "branch", "month"] as const;
export type ExplorerGroup = (typeof EXPLORER_GROUPS)[number];

const { status: _status, ...recordFilters } = PolicyFilterShape;

export const ExplorerQuery = z
  .object({
    ...recordFilters,
    model: text().trim().min(1).max(200).optional().openapi({ description: "Exact, ignoring case" }),
    rollover: text().trim().min(1).max(60).optional().openapi({ description: "Exact, ignoring case" }),
    vehiclePrefix: text()
      .regex(/^[A-Za-z]{2}$/, "two letters: a state code or BH")
      .transform((prefix) => prefix.toUpperCase())
      .optional()
      .openapi({ description: "State code of the registration (e.g. MH), or BH for the Bharat series" }),
    cashbackMin: z.coerce.number().pipe(Rupees).optional().openapi({ description: "Cashback ≥ (rupees)" }),
    cashbackMax: z.coerce.number().pipe(Rupees).optional().openapi({ description: "Cashback ≤ (rupees)" }),
    groupBy: z.enum(EXPLORER_GROUPS).optional().openapi({
      description: "Sums per insurer, make, rep (callerName), branch or month (of the issue date)",
    }),
    format: z.enum(["json", "csv"]).optional().openapi({
      description: "csv: the same as `Accept: text/csv` (the groups when grouped, else every matching row)",
    }),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine(rangesInOrder, { message: "A range starts after it ends", path: ["from"] })
  .refine(
    (q) => q.cashbackMin === undefined || q.cashbackMax === undefined || q.cashbackMin <= q.cashbackMax,
    {
      message: "cashbackMin is above cashbackMax",
      path: ["cashbackMin"],
    },
  );
export type ExplorerFilter = z.infer<typeof ExplorerQuery>;

const money = () => z.number().openapi({ description: "Rupees (two decimals)", example: 14160.5 });
const Sums = z.object({
  policies: z.number().int(),
  gwp: money(),
  netPremium: money(),
  brokerage: money(),
  cashback: money(),
  net: money(),
});

const Row = z.object({
  id: z.uuid(),
  policyNumber: text().nullable(),
  insurer: text().nullable(),
  productLine: text().nullable(),
  productType: text().nullable(),
  issueDate: text().nullable(),
  expiryDate: text().nullable(),
  customerName: text().nullable(),
  vehicleNumber: text().nullable(),
  make: text().nullable(),
  model: text().nullable(),
  callerName: text().nullable(),
  branch: text().nullable(),
  rollover: text().nullable(),
  totalPremium: money().nullable(),
  netPremium: money().nullable(),
  brokerage: money().openapi({
    description: "The policy's own, else the brokerage percent of its net premium",
  }),
  cashback: money().nullable(),
  net: money().openapi({ description: "brokerage − cashback" }),
});

export const ExplorerSchema = z
  .object({
    totals: Sums,
    groups: z
      .array(Sums.extend({ key: text().nullable().openapi({ example: "2026-03" }) }))
      .nullable()
      .openapi({ description: "With groupBy: one entry per value, by net, highest first; else null" }),
    data: z.array(Row),
    total: z.number().int(),
    nextOffset: z.number().int().nullable(),
  })
  .openapi("DashboardExplorer");
