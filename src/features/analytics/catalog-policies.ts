import type { Dimension, Entry, PolicyKpi, Unit } from "./catalog-types";

/** The policies dashboard's KPIs as catalog metrics (saved policies by issue date; money in rupees). */
export function policyEntries(): Entry[] {
  const kpi = (
    id: string,
    label: string,
    kpiName: PolicyKpi,
    unit: Unit,
    definition: string,
    dims: Dimension[] = [],
    timeseries = false,
  ): Entry => ({
    id,
    label,
    definition: `${definition} See docs/policies.md (Dashboard).`,
    unit,
    aggregation: unit === "percent" ? "rate" : kpiName === "averagePremium" ? "mean" : "sum",
    dimensions: dims,
    timeseries,
    source: { kind: "policy", kpi: kpiName },
  });
  return [
    kpi(
      "policies_count",
      "Policies",
      "policies",
      "count",
      "Saved policies issued in the range.",
      ["insurer", "source"],
      true,
    ),
    kpi(
      "policies_gwp",
      "GWP",
      "gwp",
      "rupees",
      "Gross written premium (total premium) of the saved policies issued in the range.",
      ["insurer"],
      true,
    ),
    kpi(
      "policies_net_premium",
      "Net premium",
      "netPremium",
      "rupees",
      "Net premium of the saved policies issued in the range.",
    ),
    kpi(
      "policies_brokerage",
      "Brokerage",
      "brokerage",
      "rupees",
      "Brokerage (the policy's own, else the tenant's percent of net premium).",
    ),
    kpi(
      "policies_cashback",
      "Cashback",
      "cashback",
      "rupees",
      "Cashback paid on the saved policies issued in the range.",
    ),
    kpi("policies_net_revenue", "Net revenue", "netRevenue", "rupees", "Brokerage minus cashback."),
    kpi("policies_average_premium", "Average premium", "averagePremium", "rupees", "GWP / policies."),
    kpi(
      "policies_renewal_rate",
      "Renewal rate",
      "renewalRate",
      "percent",
      "Policies expiring in the range that were renewed / policies expiring in the range × 100.",
    ),
  ];
}
