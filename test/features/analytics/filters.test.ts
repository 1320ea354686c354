import { describe, expect, it } from "vitest";
import { rebuildRollups } from "../../../src/features/analytics/rollups";
import { callJson, registerTenant } from "../../support/api";
import { insertEvents, insertUsage, withDb } from "./event-history";
import { supportHistory } from "./history";

const RANGE = "from=2026-10-05&to=2026-10-06";
const ROUTES = ["dashboard", "agents", "conversations", "channels", "ai", "csat"];

type Points = { t: string; v: number | null }[];
interface AnyReport {
  totals: Record<string, number | null>;
  series: { metric: string; points: Points }[];
  tables?: { rows: { values: (number | null)[] }[] }[];
  topAgents?: unknown[];
  topChannels?: unknown[];
  notApplicable: string[];
}

/** Every figure a report holds (totals, series points, table cells). */
const figures = (report: AnyReport) => [
  ...Object.values(report.totals),
  ...report.series.flatMap((s) => s.points.map((p) => p.v)),
  ...(report.tables ?? []).flatMap((t) => t.rows.flatMap((r) => r.values)),
];

async function knownTenant() {
  const tenant = await registerTenant();
  const ids = { agent: crypto.randomUUID(), alice: crypto.randomUUID(), bob: crypto.randomUUID() };
  await insertEvents(tenant.tenant.id, supportHistory(ids));
  await insertUsage(tenant.tenant.id, [
    {
      agentId: ids.agent,
      model: "m",
      promptTokens: 10,
      completionTokens: 5,
      costEstimate: 0.01,
      at: "2026-10-05T09:00:10Z",
    },
  ]);
  return { token: tenant.accessToken, ids, tenantId: tenant.tenant.id };
}

describe("analytics filters", () => {
  it("never answers a filter with unfiltered figures: a filter matching nothing leaves only zeros and nulls", async () => {
    const { token } = await knownTenant();
    const nobody = crypto.randomUUID();
    for (const route of ROUTES) {
      const all = await callJson<AnyReport>(`/api/analytics/${route}?${RANGE}`, { token }, 200);
      expect(figures(all).some((v) => v !== null && v !== 0)).toBe(true);
      expect(all.notApplicable).toEqual([]);
      for (const filter of ["channel=nowhere", `agentId=${nobody}`, `assigneeId=${nobody}`]) {
        const report = await callJson<AnyReport>(
          `/api/analytics/${route}?${RANGE}&${filter}`,
          { token },
          200,
        );
        const wrong = Object.entries(report.totals).filter(([, v]) => v !== null && v !== 0);
        expect({ route, filter, wrong }).toEqual({ route, filter, wrong: [] });
        expect(figures(report).every((v) => v === null || v === 0)).toBe(true);
        expect(report.topAgents ?? []).toEqual([]);
        expect(report.topChannels ?? []).toEqual([]);
      }
    }
  }, 60_000);

  it("names the metrics a filter cannot apply to and gives them null", async () => {
    const { token, ids } = await knownTenant();
    const ai = await callJson<AnyReport>(
      `/api/analytics/ai?${RANGE}&assigneeId=${ids.alice}`,
      { token },
      200,
    );
    // AI rates have no assignee: null, listed, never the tenant-wide 50 %.
    expect(ai.totals.ai_resolution_rate).toBeNull();
    expect(ai.notApplicable).toContain("ai_resolution_rate");
    const channels = await callJson<AnyReport>(
      `/api/analytics/channels?${RANGE}&agentId=${ids.agent}`,
      { token },
      200,
    );
    expect(channels.totals).toMatchObject({ window_closed: null, template_sends: null, messages_in: 5 });
    expect(channels.notApplicable).toEqual(["channel_delivery_failures", "template_sends", "window_closed"]);
    const tokens = await callJson<AnyReport>(`/api/analytics/ai?${RANGE}&channel=web`, { token }, 200);
    expect(tokens.totals.ai_tokens).toBeNull();
    expect((await callJson<AnyReport>(`/api/analytics/ai?${RANGE}`, { token }, 200)).totals.ai_tokens).toBe(
      15,
    );
  });

  it("buckets every route's series by groupBy in tz", async () => {
    const { token } = await knownTenant();
    const expected: Record<string, string[]> = {
      week: ["2026-10-05"],
      month: ["2026-10-01"],
      day: ["2026-10-05", "2026-10-06"],
    };
    for (const route of ROUTES)
      for (const [groupBy, labels] of Object.entries(expected)) {
        const report = await callJson<AnyReport>(
          `/api/analytics/${route}?${RANGE}&groupBy=${groupBy}`,
          { token },
          200,
        );
        expect(report.series.length).toBeGreaterThan(0);
        for (const series of report.series) expect(series.points.map((p) => p.t)).toEqual(labels);
      }
    const hourly = await callJson<AnyReport>(
      `/api/analytics/dashboard?${RANGE}&groupBy=hour&tz=Asia/Kolkata`,
      { token },
      200,
    );
    const created = hourly.series.find((s) => s.metric === "conversations_new")?.points ?? [];
    expect(created).toHaveLength(48);
    // c1 started 09:00 UTC = 14:30 in Kolkata.
    expect(created.find((p) => p.t === "2026-10-05T14:00")?.v).toBe(1);
  }, 60_000);

  it("applies the data call's filters, bucket and business hours to every widget", async () => {
    const { token, ids, tenantId } = await knownTenant();
    const dashboard = await callJson<{ id: string; widgets: { id: string; title: string }[] }>(
      "/api/dashboards",
      {
        token,
        json: {
          title: "Filtered",
          widgets: [
            { type: "kpi", title: "New", query: { metrics: [{ id: "conversations_new" }] } },
            { type: "kpi", title: "FRT", query: { metrics: [{ id: "frt_human", stat: "mean" }] } },
            { type: "kpi", title: "Tokens", query: { metrics: [{ id: "ai_tokens" }] } },
            {
              type: "kpi",
              title: "WhatsApp",
              query: {
                metrics: [{ id: "conversations_new" }],
                filters: [{ field: "channel", value: "whatsapp" }],
              },
            },
            {
              type: "timeseries",
              title: "In",
              query: { metrics: [{ id: "messages_in" }], bucket: "day" },
            },
          ],
        },
      },
      201,
    );
    const data = async (query: string) => {
      const body = await callJson<{ widgets: Record<string, Record<string, unknown>> }>(
        `/api/dashboards/${dashboard.id}/data?${RANGE}&${query}`,
        { token },
        200,
      );
      return Object.fromEntries(dashboard.widgets.map((w) => [w.title, body.widgets[w.id]]));
    };
    const plain = await data("");
    expect(plain.New?.total).toBe(4);
    const whatsapp = await data("channel=whatsapp");
    expect(whatsapp.New?.total).toBe(2);
    expect(whatsapp.Tokens).toEqual({ type: "kpi", error: "Invalid query" });
    // Bob's first replies: 1,800 s (c2) and 60 s (c4).
    expect((await data(`assigneeId=${ids.bob}`)).FRT?.total).toBe(930);
    expect((await data(`agentId=${crypto.randomUUID()}`)).New?.total).toBe(0);
    const conversations = await callJson<AnyReport>(
      `/api/analytics/conversations?${RANGE}&businessHours=true`,
      { token },
      200,
    );
    expect((await data("businessHours=true")).FRT?.total).toBe(conversations.totals.frt_human_mean);
    expect((await data("")).FRT?.total).not.toBe(conversations.totals.frt_human_mean);
    const weekly = (await data("groupBy=week")).In as { series: { points: Points }[] };
    expect(weekly.series[0]?.points).toEqual([{ t: "2026-10-05", v: 6 }]);
    // The widget's own filter and the call's both hold, from rollups as from raw events.
    expect((await data("channel=web")).WhatsApp?.total).toBe(0);
    await withDb((db) => rebuildRollups(db, { fromDay: "2026-10-05", toDay: "2026-10-06", tenantId }));
    expect((await data("channel=web")).WhatsApp?.total).toBe(0);
    expect((await data("channel=whatsapp")).WhatsApp?.total).toBe(2);
  }, 60_000);
});
