import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { analyticsConversationDays, analyticsRollups } from "../../../src/db/schema";
import { rebuildRollups, scheduledRollupDays } from "../../../src/features/analytics/rollups";
import worker from "../../../src/index";
import { callJson, registerTenant } from "../../support/api";
import { insertEvents, withDb } from "./event-history";
import { supportHistory } from "./history";

type Report = { totals: Record<string, number | null>; series: unknown[]; tables: unknown[] };
const reportsOf = async (token: string, query: string) =>
  Promise.all(
    ["conversations", "channels", "ai", "csat", "agents"].map((name) =>
      callJson<Report>(`/api/analytics/${name}?${query}`, { token }, 200),
    ),
  );

const bump = (tenantId: string, metric: string, by: number, day = "2026-10-05") =>
  withDb((db) =>
    db
      .update(analyticsRollups)
      .set({ count: sql`${analyticsRollups.count} + ${by}` })
      .where(
        and(
          eq(analyticsRollups.tenantId, tenantId),
          eq(analyticsRollups.metric, metric),
          eq(analyticsRollups.dimensionType, ""),
          eq(analyticsRollups.day, day),
        ),
      ),
  );

describe("analytics rollups", () => {
  it("answer exactly what the raw events answer, and are read once built", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const ids = { agent: crypto.randomUUID(), alice: crypto.randomUUID(), bob: crypto.randomUUID() };
    await insertEvents(tenant.tenant.id, supportHistory(ids));
    const queries = [
      "from=2026-10-05&to=2026-10-06",
      "from=2026-10-01&to=2026-10-31&groupBy=week",
      "from=2026-10-05&to=2026-10-06&channel=whatsapp",
    ];
    const raw = await Promise.all(queries.map((q) => reportsOf(token, q)));

    const built = await withDb((db) =>
      rebuildRollups(db, { fromDay: "2026-10-05", toDay: "2026-10-06", tenantId: tenant.tenant.id }),
    );
    expect(built.rows).toBeGreaterThan(0);
    const fromRollups = await Promise.all(queries.map((q) => reportsOf(token, q)));
    expect(fromRollups).toEqual(raw);

    // Proof the rollup rows are what was read: a changed count shows (UTC only; other zones read raw).
    await bump(tenant.tenant.id, "conversations_new", 100);
    const conversations = (q: string) =>
      callJson<Report>(`/api/analytics/conversations?${q}`, { token }, 200);
    expect((await conversations("from=2026-10-05&to=2026-10-06")).totals.conversations_new).toBe(104);
    expect(
      (await conversations("from=2026-10-05&to=2026-10-06&tz=Europe/Berlin")).totals.conversations_new,
    ).toBe(4);

    // CSAT ratios are rolled up as their two counts: 2 responses (one good) to 3 surveys, then one survey more.
    const csat = async () =>
      (await callJson<Report>("/api/analytics/csat?from=2026-10-05&to=2026-10-06", { token }, 200)).totals;
    expect(await csat()).toMatchObject({ csat_response_rate: 66.67, csat_score: 50 });
    await bump(tenant.tenant.id, "csat_response_rate", 1);
    expect(await csat()).toMatchObject({ csat_response_rate: 50, csat_score: 50 });

    // Days outside the rebuilt run come from raw events and add up with it.
    await insertEvents(tenant.tenant.id, [
      { name: "conversation_created", at: "2026-10-07T08:00:00Z", channel: "web" },
      { name: "conversation_created", at: "2026-10-04T08:00:00Z", channel: "web" },
    ]);
    expect((await conversations("from=2026-10-04&to=2026-10-07")).totals.conversations_new).toBe(106);
  });

  it("are rebuilt for every tenant by the cron trigger, the last three complete UTC days", async () => {
    // Days no other test writes: the job rebuilds (and marks) these days for every tenant at once.
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    await insertEvents(tenant.tenant.id, [
      { name: "conversation_created", at: "2025-06-10T08:00:00Z", channel: "web" },
      { name: "conversation_created", at: "2025-06-11T08:00:00Z", channel: "web" },
    ]);
    await withDb((db) =>
      rebuildRollups(db, { fromDay: "2025-06-10", toDay: "2025-06-10", tenantId: tenant.tenant.id }),
    );
    await bump(tenant.tenant.id, "conversations_new", 100, "2025-06-10");
    const total = async () =>
      (await callJson<Report>("/api/analytics/conversations?from=2025-06-09&to=2025-06-12", { token }, 200))
        .totals.conversations_new;
    expect(await total()).toBe(102);
    const controller = createScheduledController({
      scheduledTime: new Date("2025-06-13T00:15:00Z"),
      cron: "15 0 * * *",
    });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await total()).toBe(2);
    const markers = await withDb((db) =>
      db
        .select({ day: analyticsRollups.day })
        .from(analyticsRollups)
        .where(and(eq(analyticsRollups.tenantId, tenant.tenant.id), eq(analyticsRollups.metric, "__built__")))
        .orderBy(analyticsRollups.day),
    );
    expect(markers.map((m) => m.day)).toEqual(["2025-06-10", "2025-06-11", "2025-06-12"]);
  });

  it("give every widget of the default dashboard the raw events' figures, the partial edges read raw", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const ids = { agent: crypto.randomUUID(), alice: crypto.randomUUID(), bob: crypto.randomUUID() };
    await insertEvents(tenant.tenant.id, [
      ...supportHistory(ids),
      // Outside the rebuilt days: read from raw events on either edge of the run.
      { name: "conversation_created", at: "2026-10-04T23:30:00Z", channel: "web", agentId: ids.agent },
      { name: "conversation_resolved", at: "2026-10-07T00:10:00Z", channel: "web", userId: ids.alice },
      {
        name: "channel_delivery_failed",
        at: "2026-10-07T01:00:00Z",
        channel: "whatsapp",
        dims: { code: "470" },
      },
    ]);
    const { data } = await callJson<{ data: { id: string }[] }>("/api/dashboards", { token }, 200);
    const path = `/api/dashboards/${data[0]?.id}/data?from=2026-10-04&to=2026-10-07`;
    const raw = await callJson<{ widgets: Record<string, unknown> }>(path, { token }, 200);
    await withDb((db) =>
      rebuildRollups(db, { fromDay: "2026-10-05", toDay: "2026-10-06", tenantId: tenant.tenant.id }),
    );
    expect(await callJson(path, { token }, 200)).toEqual(raw);
    const dashboard = await callJson<{ widgets: { id: string; title: string }[] }>(
      `/api/dashboards/${data[0]?.id}`,
      { token },
      200,
    );
    const kpi = dashboard.widgets.find((w) => w.title === "New conversations")?.id ?? "";
    // 4 conversations on the 5th and 6th, 1 on the 4th; then the bumped rollup row shows it was read.
    expect(raw.widgets[kpi]).toEqual({ type: "kpi", unit: "count", total: 5, previous: 0 });
    await bump(tenant.tenant.id, "conversations_new", 100);
    const bumped = await callJson<typeof raw>(path, { token }, 200);
    expect(bumped.widgets[kpi]).toEqual({ type: "kpi", unit: "count", total: 105, previous: 0 });
  });

  it("give the AI rates of the raw events from per-conversation days, across midnight and with partial edges", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const agent = crypto.randomUUID();
    const web = { channel: "web", agentId: agent };
    const wa = { channel: "whatsapp", agentId: agent };
    const [a, b, c, d, e] = [1, 2, 3, 4, 5].map(() => crypto.randomUUID()) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const ai = (name: string, at: string, conversationId: string, on = web) =>
      ({ name, actor: "ai", at, conversationId, ...on }) as const;
    await insertEvents(tenant.tenant.id, [
      // a: answered late on the 2nd, resolution assumed 24 h later on the 3rd: AI-resolved.
      { name: "conversation_created", at: "2026-11-02T23:40:00Z", conversationId: a, ...web },
      ai("ai_answer", "2026-11-02T23:45:00Z", a),
      ai("reply", "2026-11-02T23:45:00Z", a),
      ai("ai_resolution_assumed", "2026-11-03T23:45:00Z", a),
      // b: assumed on the 3rd, the customer comes back for help after midnight: revoked, not resolved.
      { name: "conversation_created", at: "2026-11-02T23:00:00Z", conversationId: b, ...wa },
      ai("ai_answer", "2026-11-02T23:10:00Z", b, wa),
      ai("ai_resolution_assumed", "2026-11-03T23:10:00Z", b, wa),
      { name: "ai_resolution_revoked", actor: "human", at: "2026-11-04T00:20:00Z", conversationId: b, ...wa },
      ai("handoff", "2026-11-04T00:20:00Z", b, wa),
      // c: assumed, revoked just before midnight, answered again and confirmed the next day: resolved.
      { name: "conversation_created", at: "2026-11-02T08:00:00Z", conversationId: c, ...web },
      ai("ai_answer", "2026-11-02T08:01:00Z", c),
      ai("ai_resolution_assumed", "2026-11-03T08:01:00Z", c),
      {
        name: "ai_resolution_revoked",
        actor: "human",
        at: "2026-11-03T23:50:00Z",
        conversationId: c,
        ...web,
      },
      ai("ai_answer", "2026-11-04T00:05:00Z", c),
      ai("ai_resolution_confirmed", "2026-11-04T00:30:00Z", c),
      // d: started and answered the day before the range; handed to a person in it.
      { name: "conversation_created", at: "2026-11-01T22:00:00Z", conversationId: d, ...web },
      ai("ai_answer", "2026-11-01T22:01:00Z", d),
      ai("handoff", "2026-11-02T00:10:00Z", d),
      { name: "reply", actor: "human", at: "2026-11-02T00:15:00Z", conversationId: d, valueS: 300, ...web },
      // e: people only.
      { name: "conversation_created", at: "2026-11-03T10:00:00Z", conversationId: e, ...wa },
      { name: "reply", actor: "human", at: "2026-11-03T10:05:00Z", conversationId: e, valueS: 300, ...wa },
    ]);
    const rates = [
      "ai_resolution_rate",
      "automation_rate",
      "ai_involvement_rate",
      "ai_answer_rate",
      "handoff_rate",
    ];
    const dashboard = await callJson<{ id: string; widgets: { id: string; title: string }[] }>(
      "/api/dashboards",
      {
        token,
        json: {
          title: "AI",
          widgets: [
            { type: "kpi", title: "Resolution", query: { metrics: [{ id: "ai_resolution_rate" }] } },
            {
              type: "timeseries",
              title: "Rates by day",
              query: { metrics: rates.map((id) => ({ id })), bucket: "day" },
            },
            {
              type: "table",
              title: "By channel",
              query: { metrics: rates.map((id) => ({ id })), groupBy: "channel" },
            },
            {
              type: "kpi",
              title: "Web",
              query: {
                metrics: [{ id: "ai_resolution_rate" }],
                filters: [{ field: "channel", value: "web" }],
              },
            },
          ],
        },
      },
      201,
    );
    const queries = [
      "from=2026-11-02&to=2026-11-04",
      "from=2026-11-03&to=2026-11-04",
      "from=2026-11-03&to=2026-11-04&tz=Europe/Berlin",
      "from=2026-11-02&to=2026-11-04&channel=web",
    ];
    const figures = () =>
      Promise.all(
        queries.map(async (q) => ({
          ai: await callJson<Report>(`/api/analytics/ai?${q}`, { token }, 200),
          agents: await callJson<Report>(`/api/analytics/agents?${q}`, { token }, 200),
          dashboard: await callJson(`/api/dashboards/${dashboard.id}/data?${q}`, { token }, 200),
        })),
      );
    const raw = await figures();
    // a, b, c and d are AI-involved; a, b, c and e started in the range; a and c were AI-resolved.
    expect(raw[0]?.ai.totals).toMatchObject({
      ai_involvement_rate: 75,
      ai_answer_rate: 75,
      ai_resolution_rate: 50,
      automation_rate: 50,
      handoff_rate: 50,
      deflection_rate: 50,
    });
    // From the 3rd: a (no answer in the range) and c resolved, b revoked after midnight; only e started.
    expect(raw[1]?.ai.totals).toMatchObject({
      ai_resolution_rate: 66.67,
      ai_answer_rate: 33.33,
      automation_rate: 0,
    });

    // Only the 3rd rebuilt: the 2nd and 4th are partial edges read raw, in UTC and in Berlin alike.
    // Then the days before it and the day after it, in separate runs as the nightly job does: a
    // conversation's earlier days learn that it goes on later (and is not counted twice).
    for (const [fromDay, toDay] of [
      ["2026-11-03", "2026-11-03"],
      ["2026-11-01", "2026-11-02"],
      ["2026-11-04", "2026-11-04"],
    ] as const) {
      await withDb((db) => rebuildRollups(db, { fromDay, toDay, tenantId: tenant.tenant.id }));
      expect(await figures()).toEqual(raw);
    }

    // Proof the per-conversation days are what was read: without a's resolution on the 3rd, a is not resolved.
    await withDb((db) =>
      db
        .update(analyticsConversationDays)
        .set({ resolvedAt: null })
        .where(
          and(
            eq(analyticsConversationDays.tenantId, tenant.tenant.id),
            eq(analyticsConversationDays.conversationId, a),
          ),
        ),
    );
    const edited = await callJson<Report>(`/api/analytics/ai?${queries[0]}`, { token }, 200);
    expect(edited.totals).toMatchObject({ ai_resolution_rate: 25, automation_rate: 25 });
  });

  it("rebuild the last three complete UTC days each night", () => {
    expect(scheduledRollupDays(new Date("2026-03-01T00:15:00Z"))).toEqual({
      fromDay: "2026-02-26",
      toDay: "2026-02-28",
    });
  });
});
