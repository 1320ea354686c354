import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant, unique } from "../../support/api";
import type { PolicyBody } from "./helpers";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const TATA = "TATA AIG General Insurance";
const HDFC = "HDFC ERGO General Insurance";

interface Entry {
  issue: number;
  expiry: number;
  net: number;
  insurer?: string;
  productType?: string;
  vehicle?: string;
  number?: string;
  previous?: string;
  extras?: Record<string, unknown>;
  total?: number;
}

/** A manual motor entry issued `issue` days from today, expiring `expiry` days from today. */
async function enter(token: string, entry: Entry) {
  const gst = Math.round(entry.net * 18) / 100;
  return callJson<PolicyBody>(
    "/api/policies",
    {
      token,
      json: {
        fields: {
          productLine: "motor",
          policyNumber: entry.number ?? `P-${unique()}`,
          previousPolicyNumber: entry.previous,
          insurer: entry.insurer ?? "tata aig",
          productType: entry.productType ?? "Private Car",
          issueDate: day(entry.issue),
          startDate: day(entry.expiry - 365),
          expiryDate: day(entry.expiry),
          netPremium: entry.net,
          gstAmount: gst,
          totalPremium: entry.total ?? entry.net + gst,
          customerName: "Meera Nair",
          vehicleNumber: entry.vehicle ?? `MH12AB${Math.floor(Math.random() * 9000) + 1000}`,
        },
        extras: entry.extras,
      },
    },
    201,
  );
}

interface Metrics {
  range: { from: string; to: string };
  policies: number;
  gwp: number;
  netPremium: number;
  brokerage: number;
  cashback: number;
  netRevenue: number;
  averagePremium: number;
  bySource: unknown[];
  byInsurer: unknown[];
  byProduct: unknown[];
  trend: Array<{ date: string; policies: number; gwp: number }>;
  renewalsDue: unknown;
  renewal: unknown;
}

/** Tenant A's book: three saved policies in the last 7 days, two older ones, one in review. */
async function book() {
  const tenant = await registerTenant();
  const token = tenant.accessToken;
  const saved = async (entry: Entry) => expect((await enter(token, entry)).status).toBe("saved");
  await saved({
    issue: 0,
    expiry: 5,
    net: 10000,
    vehicle: "MH12AB0001",
    extras: { callerName: "Asha", brokerage: 1500, cashback: 500 },
  });
  // No brokerage of its own: the tenant's percent (15% unless changed) of the net premium.
  await saved({ issue: -1, expiry: 20, net: 20000, extras: { callerName: "Asha", cashback: 1500 } });
  await saved({
    issue: -3,
    expiry: 45,
    net: 5000,
    insurer: "HDFC ERGO",
    productType: "Two-Wheeler",
    extras: { callerName: "Ravi", brokerage: 4000 },
  });
  // Outside the 7 days; expired within them: one renewed (same vehicle, issued later), one not.
  await saved({ issue: -20, expiry: -2, net: 9000, vehicle: "MH12AB0001", extras: { callerName: "Ravi" } });
  await saved({ issue: -30, expiry: -1, net: 9000, extras: { callerName: "Ravi" } });
  // Needs review (total ≠ net + GST): never counted.
  const review = await enter(token, {
    issue: 0,
    expiry: 3,
    net: 1000,
    total: 99_999,
    extras: { callerName: "Asha", brokerage: 90_000 },
  });
  expect(review.status).toBe("needs_review");
  // Another tenant's saved policy: never counted.
  const other = await registerTenant();
  expect(
    (
      await enter(other.accessToken, {
        issue: 0,
        expiry: 4,
        net: 50_000,
        extras: { callerName: "Asha", brokerage: 9999 },
      })
    ).status,
  ).toBe("saved");
  return tenant;
}

describe("founder dashboard", () => {
  it("computes the KPIs over saved policies issued in the period, from the records alone", async () => {
    const tenant = await book();
    const metrics = await callJson<Metrics>(
      "/api/dashboard/metrics?period=7d",
      { token: tenant.accessToken },
      200,
    );
    expect(metrics).toMatchObject({
      range: { from: day(-6), to: day(0) },
      policies: 3,
      gwp: 41300,
      netPremium: 35000,
      brokerage: 8500,
      cashback: 2000,
      netRevenue: 6500,
      averagePremium: 13766.67,
      bySource: [{ source: "manual_form", policies: 3 }],
      byInsurer: [
        { insurer: TATA, policies: 2, gwp: 35400 },
        { insurer: HDFC, policies: 1, gwp: 5900 },
      ],
      byProduct: [
        { productLine: "motor", productType: "Private Car", policies: 2, gwp: 35400 },
        { productLine: "motor", productType: "Two-Wheeler", policies: 1, gwp: 5900 },
      ],
      renewalsDue: { next7: 1, next30: 2, next60: 3 },
      renewal: { due: 2, renewed: 1, rate: 50 },
    });
    expect(metrics.trend).toHaveLength(7);
    expect(metrics.trend.filter((point) => point.policies > 0)).toEqual([
      { date: day(-3), policies: 1, gwp: 5900 },
      { date: day(-1), policies: 1, gwp: 23600 },
      { date: day(0), policies: 1, gwp: 11800 },
    ]);

    const wider = await callJson<Metrics>(
      `/api/dashboard/metrics?from=${day(-30)}&to=${day(0)}`,
      { token: tenant.accessToken },
      200,
    );
    expect(wider).toMatchObject({ policies: 5, gwp: 41300 + 2 * 10620, trend: expect.any(Array) });
    expect(wider.trend).toHaveLength(31);
    const last = await callJson<Metrics>(
      "/api/dashboard/metrics?from=9999-12-30&to=9999-12-31",
      { token: tenant.accessToken },
      200,
    );
    expect(last.trend.map((point) => point.date)).toEqual(["9999-12-30", "9999-12-31"]);
  });

  it("counts a policy as renewed by a later one on the same vehicle or one naming it as the previous policy", async () => {
    const tenant = await registerTenant();
    const saved = async (entry: Entry) =>
      expect((await enter(tenant.accessToken, entry)).status).toBe("saved");
    const number = `OLD-${unique()}`;
    await saved({ issue: -360, expiry: -1, net: 1000, number, vehicle: "KA01AB1111" });
    await saved({ issue: -200, expiry: 165, net: 1000, previous: number, vehicle: "KA01AB2222" });
    // Same vehicle, but issued before the expiring one: not its renewal.
    await saved({ issue: -300, expiry: -2, net: 1000, vehicle: "KA01AB3333" });
    await saved({ issue: -500, expiry: -135, net: 1000, vehicle: "KA01AB3333" });
    const metrics = await callJson<Metrics>(
      "/api/dashboard/metrics?period=7d",
      { token: tenant.accessToken },
      200,
    );
    expect(metrics.renewal).toEqual({ due: 2, renewed: 1, rate: 50 });
  });

  it("ranks reps by net (brokerage − cashback)", async () => {
    const tenant = await book();
    const board = await callJson<{ data: unknown[] }>(
      "/api/dashboard/leaderboard?period=7d",
      { token: tenant.accessToken },
      200,
    );
    expect(board.data).toEqual([
      {
        rank: 1,
        rep: "Ravi",
        policies: 1,
        gwp: 5900,
        brokerage: 4000,
        cashback: 0,
        net: 4000,
        averageCashbackPercent: 0,
      },
      {
        rank: 2,
        rep: "Asha",
        policies: 2,
        gwp: 35400,
        brokerage: 4500,
        cashback: 2000,
        net: 2500,
        averageCashbackPercent: 6.25,
      },
    ]);
  });

  it("keeps settings per tenant with defaults, and the brokerage percent feeds the metrics", async () => {
    const tenant = await book();
    const token = tenant.accessToken;
    expect(await callJson("/api/dashboard/settings", { token }, 200)).toEqual({
      brokeragePercent: 15,
      repDailyCost: 2000,
      expectedConversion: 25,
      premiumGrowth: 10,
    });
    expect(
      await callJson(
        "/api/dashboard/settings",
        { method: "PUT", token, json: { brokeragePercent: 10 } },
        200,
      ),
    ).toEqual({ brokeragePercent: 10, repDailyCost: 2000, expectedConversion: 25, premiumGrowth: 10 });
    expect(
      await callJson(
        "/api/dashboard/settings",
        { method: "PUT", token, json: { repDailyCost: 1500.5 } },
        200,
      ),
    ).toMatchObject({ brokeragePercent: 10, repDailyCost: 1500.5 });
    const metrics = await callJson<Metrics>("/api/dashboard/metrics?period=7d", { token }, 200);
    expect(metrics).toMatchObject({ brokerage: 7500, netRevenue: 5500 });

    await callJson("/api/dashboard/settings", { method: "PUT", token, json: {} }, 400);
    await callJson("/api/dashboard/settings", { method: "PUT", token, json: { brokeragePercent: 101 } }, 400);
    const other = await registerTenant();
    expect(await callJson("/api/dashboard/settings", { token: other.accessToken }, 200)).toMatchObject({
      brokeragePercent: 15,
    });
  });

  it("refuses bad periods with a 400 and ops users with a 403", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    for (const query of [
      "period=8d",
      `from=${day(-3)}`,
      `from=${day(0)}&to=${day(-1)}`,
      `period=7d&from=${day(-3)}&to=${day(0)}`,
      `from=${day(-400)}&to=${day(0)}`,
      "from=2026-02-30&to=2026-03-01",
    ])
      expect((await call(`/api/dashboard/metrics?${query}`, { token })).status, query).toBe(400);

    const ops = await addUser(tenant.tenant.id, "TENANT_USER");
    for (const path of ["/api/dashboard/metrics", "/api/dashboard/leaderboard", "/api/dashboard/settings"])
      expect((await call(path, { token: ops.accessToken })).status, path).toBe(403);
    const put = await call("/api/dashboard/settings", {
      method: "PUT",
      token: ops.accessToken,
      json: { brokeragePercent: 1 },
    });
    expect(put.status).toBe(403);
  });
});
