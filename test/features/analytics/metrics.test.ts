import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import { createConversation } from "../../support/conversations";
import { insertEvents, insertUsage } from "./event-history";
import { supportHistory } from "./history";

const RANGE = "from=2026-10-05&to=2026-10-06";

interface Report {
  totals: Record<string, number | null>;
  series: { metric: string; points: { t: string; v: number | null }[] }[];
  tables: { name: string; columns: string[]; rows: { key: string | null; values: (number | null)[] }[] }[];
}

async function seededTenant() {
  const tenant = await registerTenant();
  const ids = { agent: crypto.randomUUID(), alice: crypto.randomUUID(), bob: crypto.randomUUID() };
  await insertEvents(tenant.tenant.id, supportHistory(ids));
  return { tenant, ids };
}

const table = (report: Report, name: string) => {
  const found = report.tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return Object.fromEntries(
    found.rows.map((row) => [
      String(row.key),
      Object.fromEntries(found.columns.map((c, i) => [c, row.values[i]])),
    ]),
  );
};

describe("analytics metrics over a known history", () => {
  it("counts conversations, human FRT without bot time, reopenings from the reopen, resolution times", async () => {
    const { tenant } = await seededTenant();
    const report = await callJson<Report>(
      `/api/analytics/conversations?${RANGE}`,
      { token: tenant.accessToken },
      200,
    );
    expect(report.totals).toMatchObject({
      // c4's replayed creation counts once.
      conversations_new: 4,
      conversations_reopened: 1,
      conversations_resolved: 3,
      conversations_open_now: 0,
      // 300 s (c1, the AI's 10 s never counts), 120 s (c1 from the reopen), 1800 s (c2), 60 s (c4).
      frt_human_median: 210,
      frt_human_p90: 1350,
      frt_human_mean: 570,
      // The AI's 10 s reply is not a human reply time.
      reply_time_median: 210,
      reply_time_mean: 570,
      resolution_time_first_median: 750,
      resolution_time_first_mean: 750,
      // c1: 09:00 → 10:30 across the reopening; c4: 20 min.
      resolution_time_full_median: 3300,
    });
    expect(report.series.find((s) => s.metric === "conversations_new")?.points).toEqual([
      { t: "2026-10-05", v: 4 },
      { t: "2026-10-06", v: 0 },
    ]);
    expect(table(report, "byChannel")).toEqual({
      web: { conversations_new: 2, conversations_resolved: 3, frt_human_median: 120 },
      whatsapp: { conversations_new: 2, conversations_resolved: null, frt_human_median: 1800 },
    });
    // The file's first request also loads the Worker (several seconds on a busy machine).
  }, 30_000);

  it("reports durations in business hours when asked", async () => {
    const { tenant } = await seededTenant();
    const report = await callJson<Report>(
      `/api/analytics/conversations?${RANGE}&businessHours=true`,
      { token: tenant.accessToken },
      200,
    );
    // 300, 120, 60 (c2's 30 min overnight holds 60 s of business hours), 60.
    expect(report.totals).toMatchObject({ frt_human_median: 90, frt_human_mean: 135 });
  });

  it("computes the AI rates: an assumed resolution revoked by a return for help is not a resolution", async () => {
    const { tenant, ids } = await seededTenant();
    await insertUsage(tenant.tenant.id, [
      {
        agentId: ids.agent,
        model: "gpt-a",
        promptTokens: 100,
        completionTokens: 50,
        costEstimate: 0.01,
        at: "2026-10-05T09:00:10Z",
      },
      {
        agentId: ids.agent,
        model: "gpt-b",
        promptTokens: 200,
        completionTokens: 100,
        costEstimate: 0.02,
        at: "2026-10-05T12:00:08Z",
      },
      {
        agentId: ids.agent,
        model: "gpt-b",
        promptTokens: 1,
        completionTokens: 1,
        costEstimate: 1,
        at: "2026-09-01T00:00:00Z",
      },
    ]);
    const report = await callJson<Report>(`/api/analytics/ai?${RANGE}`, { token: tenant.accessToken }, 200);
    expect(report.totals).toMatchObject({
      ai_involvement_rate: 75,
      ai_answer_rate: 100,
      // c3 confirmed; c2's assumed resolution was revoked.
      ai_resolution_rate: 33.33,
      automation_rate: 25,
      handoff_rate: 66.67,
      deflection_rate: 33.33,
      citations_per_answer: 1,
      ai_answers: 3,
      handoffs: 2,
      frt_ai_median: 8,
      ai_tokens: 450,
      ai_cost: 0.03,
      plans_proposed: 2,
      plans_approved: 1,
      plans_rejected: 1,
      plans_executed: 1,
      plan_step_failures: 1,
    });
    expect(table(report, "byModel")).toEqual({
      "gpt-b": { ai_tokens: 300, ai_cost: 0.02 },
      "gpt-a": { ai_tokens: 150, ai_cost: 0.01 },
    });
  });

  it("computes CSAT score and response rate, channel failures by code and agents", async () => {
    const { tenant, ids } = await seededTenant();
    const token = tenant.accessToken;
    const csat = await callJson<Report>(`/api/analytics/csat?${RANGE}`, { token }, 200);
    expect(csat.totals).toEqual({ csat_score: 50, csat_response_rate: 66.67, csat_responses: 2 });
    expect(table(csat, "byRating")).toEqual({ "5": { csat_responses: 1 }, "3": { csat_responses: 1 } });

    const channels = await callJson<Report>(`/api/analytics/channels?${RANGE}`, { token }, 200);
    expect(channels.totals).toEqual({
      messages_in: 6,
      messages_out: 5,
      channel_delivery_failures: 3,
      window_closed: 1,
      template_sends: 1,
    });
    expect(table(channels, "failuresByCode")).toEqual({
      "131047": { channel_delivery_failures: 2 },
      "470": { channel_delivery_failures: 1 },
    });

    const agents = await callJson<Report>(`/api/analytics/agents?${RANGE}`, { token }, 200);
    expect(table(agents, "humans")[ids.alice]).toEqual({
      conversations_resolved: 2,
      messages_out: 2,
      frt_human_median: 210,
      resolution_time_first_mean: 600,
      csat_score: 100,
    });
    expect(table(agents, "ai")[ids.agent]).toMatchObject({ ai_answers: 3, ai_resolution_rate: 33.33 });
  });

  it("filters by channel, AI agent and assignee", async () => {
    const { tenant, ids } = await seededTenant();
    const token = tenant.accessToken;
    const web = await callJson<Report>(
      `/api/analytics/conversations?${RANGE}&channel=whatsapp`,
      { token },
      200,
    );
    expect(web.totals).toMatchObject({ conversations_new: 2, frt_human_median: 1800 });
    const bob = await callJson<Report>(
      `/api/analytics/conversations?${RANGE}&assigneeId=${ids.bob}`,
      { token },
      200,
    );
    expect(bob.totals).toMatchObject({ frt_human_median: 930, conversations_resolved: 1 });
    const ai = await callJson<Report>(
      `/api/analytics/ai?${RANGE}&agentId=${crypto.randomUUID()}`,
      { token },
      200,
    );
    expect(ai.totals).toMatchObject({ ai_answers: 0, ai_resolution_rate: null });
  });

  it("buckets by hour in the asked time zone", async () => {
    const { tenant } = await seededTenant();
    const report = await callJson<Report>(
      `/api/analytics/conversations?from=2026-10-05&to=2026-10-05&tz=Asia/Kolkata&groupBy=hour`,
      { token: tenant.accessToken },
      200,
    );
    const points = report.series.find((s) => s.metric === "conversations_new")?.points ?? [];
    expect(points).toHaveLength(24);
    // 09:00, 12:00 and 14:00 UTC are 14:30, 17:30 and 19:30 in Kolkata; 20:00 UTC is the next day there.
    expect(points.filter((p) => p.v).map((p) => [p.t, p.v])).toEqual([
      ["2026-10-05T14:00", 1],
      ["2026-10-05T17:00", 1],
      ["2026-10-05T19:00", 1],
    ]);
  });

  it("gives the overview: totals, open now, today against yesterday, top agents and channels", async () => {
    const tenant = await registerTenant();
    const alice = crypto.randomUUID();
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
    const today = new Date(now).toISOString().slice(0, 10);
    const sinceMidnight = (now - Date.parse(`${today}T00:00:00Z`)) / 3_600_000;
    await insertEvents(tenant.tenant.id, [
      { name: "conversation_created", at: at(sinceMidnight / 2), channel: "web" },
      { name: "conversation_created", at: at(sinceMidnight + 1), channel: "telegram" },
      { name: "conversation_created", at: at(sinceMidnight + 2), channel: "telegram" },
      { name: "conversation_resolved", at: at(sinceMidnight + 1), userId: alice, channel: "telegram" },
    ]);
    await createConversation(tenant, { visitorId: "v1" });
    const overview = await callJson<Record<string, unknown>>(
      "/api/analytics/dashboard",
      { token: tenant.accessToken },
      200,
    );
    expect(overview).toMatchObject({
      totals: { conversations_new: 3, conversations_resolved: 1 },
      openNow: 1,
      today: { conversations_new: 1, conversations_resolved: 0, messages_in: 0 },
      yesterday: { conversations_new: 2, conversations_resolved: 1 },
      topAgents: [{ userId: alice, resolved: 1 }],
      topChannels: [
        { channel: "telegram", conversations: 2 },
        { channel: "web", conversations: 1 },
      ],
    });
  });

  it("exports CSV on Accept: text/csv, lets tenant users read and refuses a bad time zone with 400", async () => {
    const { tenant } = await seededTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const response = await call(`/api/analytics/channels?${RANGE}`, {
      token: member.accessToken,
      headers: { Accept: "text/csv" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe("section,key,bucket,metric,value");
    expect(lines).toContain("totals,,,messages_in,6");
    expect(lines).toContain("failuresByCode,131047,,channel_delivery_failures,2");

    const bad = await callJson<{ error: { code: string } }>(
      `/api/analytics/ai?tz=Mars/Olympus`,
      { token: member.accessToken },
      400,
    );
    expect(bad.error.code).toBe("validation_failed");
    await callJson(`/api/analytics/csat?from=2026-10-07&to=2026-10-01`, { token: member.accessToken }, 400);
    await callJson(`/api/analytics/csat?from=2020-01-01&to=2026-10-01`, { token: member.accessToken }, 400);
  });

  it("lists the catalog with definitions, units and allowed dimensions", async () => {
    const tenant = await registerTenant();
    const { data } = await callJson<{
      data: { id: string; unit: string; dimensions: string[]; statistics: string[] }[];
    }>("/api/analytics/metrics", { token: tenant.accessToken }, 200);
    const ids = data.map((m) => m.id);
    for (const id of [
      "conversations_new",
      "frt_human",
      "frt_ai",
      "ai_resolution_rate",
      "csat_score",
      "ai_cost",
      "policies_gwp",
      "channel_delivery_failures",
    ])
      expect(ids).toContain(id);
    expect(data.find((m) => m.id === "frt_human")).toMatchObject({
      unit: "seconds",
      statistics: ["median", "p90", "mean"],
    });
    expect(data.find((m) => m.id === "ai_tokens")?.dimensions).toEqual(["agent", "model"]);
  });
});
