import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { analyticsRollups } from "../../../src/db/schema";
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

const bump = (tenantId: string, metric: string, by: number) =>
  withDb((db) =>
    db
      .update(analyticsRollups)
      .set({ count: sql`${analyticsRollups.count} + ${by}` })
      .where(
        and(
          eq(analyticsRollups.tenantId, tenantId),
          eq(analyticsRollups.metric, metric),
          eq(analyticsRollups.dimensionType, ""),
          eq(analyticsRollups.day, "2026-10-05"),
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

    // Days outside the rebuilt run come from raw events and add up with it.
    await insertEvents(tenant.tenant.id, [
      { name: "conversation_created", at: "2026-10-07T08:00:00Z", channel: "web" },
      { name: "conversation_created", at: "2026-10-04T08:00:00Z", channel: "web" },
    ]);
    expect((await conversations("from=2026-10-04&to=2026-10-07")).totals.conversations_new).toBe(106);

    // The cron trigger rebuilds the last three complete days (of every tenant): the bump is gone.
    const controller = createScheduledController({
      scheduledTime: new Date("2026-10-08T00:15:00Z"),
      cron: "15 0 * * *",
    });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await conversations("from=2026-10-04&to=2026-10-07")).totals.conversations_new).toBe(6);
    const markers = await withDb((db) =>
      db
        .select({ day: analyticsRollups.day })
        .from(analyticsRollups)
        .where(and(eq(analyticsRollups.tenantId, tenant.tenant.id), eq(analyticsRollups.metric, "__built__")))
        .orderBy(analyticsRollups.day),
    );
    expect(markers.map((m) => m.day)).toEqual(["2026-10-05", "2026-10-06", "2026-10-07"]);
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

  it("rebuild the last three complete UTC days each night", () => {
    expect(scheduledRollupDays(new Date("2026-03-01T00:15:00Z"))).toEqual({
      fromDay: "2026-02-26",
      toDay: "2026-02-28",
    });
  });
});
