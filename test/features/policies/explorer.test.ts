import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import type { PolicyBody } from "./helpers";

interface Sums {
  policies: number;
  gwp: number;
  netPremium: number;
  brokerage: number;
  cashback: number;
  net: number;
}
interface Explorer {
  totals: Sums;
  groups: Array<Sums & { key: string | null }> | null;
  data: Array<Record<string, unknown> & { id: string }>;
  total: number;
  nextOffset: number | null;
}

const TATA = "TATA AIG General Insurance";
const HDFC = "HDFC ERGO General Insurance";

/** Three saved policies and one in review; the tenant keeps the default brokerage of 15%. */
async function book() {
  const tenant = await registerTenant();
  const token = tenant.accessToken;
  const enter = (fields: Record<string, unknown>, extras: Record<string, unknown>) =>
    callJson<PolicyBody>(
      "/api/policies",
      { token, json: { fields: { productLine: "motor", ...fields }, extras } },
      201,
    );
  const base = { productType: "Private Car", startDate: "2026-03-01", expiryDate: "2027-02-28" };
  const pay = (net: number, gst: number, total: number) => ({
    netPremium: net,
    gstAmount: gst,
    totalPremium: total,
  });
  const first = await enter(
    {
      ...base,
      ...pay(10000, 1800, 11800),
      policyNumber: "E-1",
      insurer: "tata aig",
      make: "Maruti",
      vehicleNumber: "MH12AB0001",
      issueDate: "2026-03-05",
      customerName: "Meera",
    },
    { callerName: "Asha", branch: "Pune", rollover: "Rollover", brokerage: 1500, cashback: 500 },
  );
  const second = await enter(
    {
      ...base,
      ...pay(5000, 900, 5900),
      policyNumber: "E-2",
      insurer: "hdfc ergo",
      make: "Honda",
      vehicleNumber: "KA01MN0002",
      issueDate: "2026-03-20",
      customerName: '=HYPERLINK("x")',
    },
    { callerName: "Ravi", branch: "Mumbai", cashback: 100.25 },
  );
  const third = await enter(
    {
      ...base,
      ...pay(8000.5, 1440.09, 9440.59),
      policyNumber: "E-3",
      insurer: "tata aig",
      make: "maruti",
      vehicleNumber: "22BH1234AB",
      issueDate: "2026-04-02",
      customerName: "Arjun",
    },
    { callerName: "asha", branch: "Pune" },
  );
  const review = await enter(
    { policyNumber: "E-4", insurer: "tata aig", issueDate: "2026-03-06" },
    { callerName: "Asha" },
  );
  for (const saved of [first, second, third])
    expect((await callJson<PolicyBody>(`/api/policies/${saved.id}`, { token }, 200)).status).toBe("saved");
  expect(review.status).toBe("needs_review");
  return { tenant, token, first, second, third };
}

describe("sales explorer", () => {
  it("sums saved records only, filters them, groups them and pages the rows (money in rupees)", {
    timeout: 30_000,
  }, async () => {
    const { tenant, token, first, second, third } = await book();
    const get = (query = "") => callJson<Explorer>(`/api/dashboard/explorer?${query}`, { token }, 200);

    const all = await get();
    expect(all.totals).toEqual({
      policies: 3,
      gwp: 27140.59,
      netPremium: 23000.5,
      brokerage: 3450.08,
      cashback: 600.25,
      net: 2849.83,
    });
    expect(all.groups).toBeNull();
    expect(all.data.map((row) => row.id)).toEqual([third.id, second.id, first.id]);
    expect(all.data[0]).toMatchObject({
      brokerage: 1200.08,
      cashback: null,
      net: 1200.08,
      totalPremium: 9440.59,
    });
    expect(all.data[1]).toMatchObject({ brokerage: 750, cashback: 100.25, net: 649.75, insurer: HDFC });

    expect((await get("groupBy=insurer")).groups).toEqual([
      {
        key: TATA,
        policies: 2,
        gwp: 21240.59,
        netPremium: 18000.5,
        brokerage: 2700.08,
        cashback: 500,
        net: 2200.08,
      },
      { key: HDFC, policies: 1, gwp: 5900, netPremium: 5000, brokerage: 750, cashback: 100.25, net: 649.75 },
    ]);
    expect((await get("groupBy=month")).groups?.map((g) => [g.key, g.policies, g.net])).toEqual([
      ["2026-03", 2, 1649.75],
      ["2026-04", 1, 1200.08],
    ]);
    expect((await get("groupBy=rep")).groups?.map((g) => [g.key, g.policies])).toEqual([
      ["asha", 1],
      ["Asha", 1],
      ["Ravi", 1],
    ]);
    expect((await get("groupBy=make&callerName=ASHA")).totals.policies).toBe(2);

    const ids = async (query: string) => (await get(query)).data.map((row) => row.id);
    expect(await ids("vehiclePrefix=bh")).toEqual([third.id]);
    expect(await ids("vehiclePrefix=MH")).toEqual([first.id]);
    expect(await ids("cashbackMin=100.25&cashbackMax=400")).toEqual([second.id]);
    expect(await ids("rollover=rollover")).toEqual([first.id]);
    expect(await ids("from=2026-04-01&to=2026-04-30")).toEqual([third.id]);
    expect(await ids("make=MARUTI&branch=pune")).toEqual([third.id, first.id]);
    expect(await ids(`insurer=${encodeURIComponent(HDFC)}`)).toEqual([second.id]);
    expect(await ids("q=E-4")).toEqual([]);
    const page = await get("limit=2");
    expect(page).toMatchObject({ total: 3, nextOffset: 2 });
    expect(page.totals.policies).toBe(3);
    expect(await ids("limit=2&offset=2")).toEqual([first.id]);

    for (const bad of [
      "groupBy=nope",
      "vehiclePrefix=M1",
      "cashbackMin=5&cashbackMax=1",
      "cashbackMax=1.234",
      "status=saved&format=xml",
    ])
      expect((await call(`/api/dashboard/explorer?${bad}`, { token })).status, bad).toBe(400);
    const ops = await addUser(tenant.tenant.id, "TENANT_USER");
    expect((await call("/api/dashboard/explorer", { token: ops.accessToken })).status).toBe(403);
  });

  it("exports CSV for Accept: text/csv or format=csv, with two-decimal rupees and formulas defused", async () => {
    const { token } = await book();
    const grouped = await call("/api/dashboard/explorer?groupBy=insurer", {
      token,
      headers: { Accept: "text/csv" },
    });
    expect(grouped.status).toBe(200);
    expect(grouped.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(grouped.headers.get("X-Total-Count")).toBe("3");
    expect(await grouped.text()).toBe(
      [
        "insurer,policies,gwp,netPremium,brokerage,cashback,net",
        `${TATA},2,21240.59,18000.50,2700.08,500.00,2200.08`,
        `${HDFC},1,5900.00,5000.00,750.00,100.25,649.75`,
        "",
      ].join("\r\n"),
    );

    const rows = await call("/api/dashboard/explorer?format=csv&limit=1", { token });
    const lines = (await rows.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      "id,policyNumber,insurer,productLine,productType,issueDate,expiryDate,customerName,vehicleNumber,make,model,callerName,branch,rollover,totalPremium,netPremium,brokerage,cashback,net",
    );
    expect(lines[2]).toContain(
      `,E-2,${HDFC},motor,Private Car,2026-03-20,2027-02-28,"'=HYPERLINK(""x"")",KA01MN0002,Honda,,Ravi,Mumbai,,5900.00,5000.00,750.00,100.25,649.75`,
    );
    expect(lines[1]).toMatch(/,9440\.59,8000\.50,1200\.08,,1200\.08$/);

    // JSON stays the default, also for a browser's Accept header.
    const html = await call("/api/dashboard/explorer", { token, headers: { Accept: "text/html,*/*" } });
    expect(html.headers.get("Content-Type")).toMatch(/application\/json/);
  });
});
