import { describe, expect, it } from "vitest";
import { callJson, registerTenant, unique } from "../../support/api";

const today = new Date().toISOString().slice(0, 10);

/** A saved manual motor policy issued today. */
async function enter(token: string, insurer: string, net: number) {
  const gst = Math.round(net * 18) / 100;
  await callJson(
    "/api/policies",
    {
      token,
      json: {
        fields: {
          productLine: "motor",
          policyNumber: `P-${unique()}`,
          insurer,
          productType: "Private Car",
          issueDate: today,
          startDate: today,
          expiryDate: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
          netPremium: net,
          gstAmount: gst,
          totalPremium: net + gst,
          customerName: "Meera Nair",
          vehicleNumber: `MH12AB${Math.floor(Math.random() * 9000) + 1000}`,
        },
      },
    },
    201,
  );
}

describe("policy KPIs as catalog metrics", () => {
  it("put the policies dashboard's own figures on a dashboard", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    await enter(token, "tata aig", 10_000);
    await enter(token, "tata aig", 20_000);
    await enter(token, "hdfc ergo", 5_000);
    const range = `from=${today}&to=${today}`;
    const metrics = await callJson<{
      gwp: number;
      netRevenue: number;
      policies: number;
      byInsurer: { insurer: string; policies: number }[];
    }>(`/api/dashboard/metrics?${range}`, { token }, 200);
    const dashboard = await callJson<{ id: string; widgets: { id: string; title: string }[] }>(
      "/api/dashboards",
      {
        token,
        json: {
          title: "Book",
          widgets: [
            { type: "kpi", title: "GWP", query: { metrics: [{ id: "policies_gwp" }] } },
            { type: "kpi", title: "Net revenue", query: { metrics: [{ id: "policies_net_revenue" }] } },
            {
              type: "bar",
              title: "By insurer",
              query: { metrics: [{ id: "policies_count" }], groupBy: "insurer" },
            },
          ],
        },
      },
      201,
    );
    const data = await callJson<{
      widgets: Record<string, { total?: number; groups?: { label: string; v: number }[] }>;
    }>(`/api/dashboards/${dashboard.id}/data?${range}`, { token }, 200);
    const byTitle = Object.fromEntries(dashboard.widgets.map((w) => [w.title, data.widgets[w.id]]));
    expect(metrics.policies).toBe(3);
    expect(byTitle.GWP?.total).toBe(metrics.gwp);
    expect(byTitle["Net revenue"]?.total).toBe(metrics.netRevenue);
    expect(byTitle["By insurer"]?.groups?.map((g) => [g.label, g.v])).toEqual(
      metrics.byInsurer.map((row) => [row.insurer, row.policies]),
    );
    // Policy KPIs take no filters.
    await callJson(
      `/api/dashboards/${dashboard.id}/widgets`,
      {
        token,
        json: {
          type: "kpi",
          title: "x",
          query: { metrics: [{ id: "policies_gwp" }], filters: [{ field: "insurer", value: "tata aig" }] },
        },
      },
      400,
    );
    // The file's first request also loads the Worker (several seconds on a busy machine).
  }, 30_000);
});
