import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import { insertEvents } from "../analytics/event-history";
import { supportHistory } from "../analytics/history";

interface Widget {
  id: string;
  type: string;
  title: string;
  layout: { x: number; y: number; w: number; h: number };
}
interface Dashboard {
  id: string;
  title: string;
  version: number;
  widgets: Widget[];
}

const kpi = (id: string, layout?: Widget["layout"]) => ({
  type: "kpi",
  title: id,
  query: { metrics: [{ id }] },
  layout,
});

describe("dashboards", () => {
  it("gives a new tenant the support dashboard once, and not again after it is deleted", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const first = await callJson<{ data: Dashboard[] }>("/api/dashboards", { token }, 200);
    const again = await callJson<{ data: Dashboard[] }>("/api/dashboards", { token }, 200);
    expect(first.data.map((d) => d.title)).toEqual(["Support"]);
    expect(again.data.map((d) => d.id)).toEqual(first.data.map((d) => d.id));
    const support = await callJson<Dashboard>(`/api/dashboards/${first.data[0]?.id}`, { token }, 200);
    expect(support.widgets.map((w) => w.type).sort()).toEqual([
      "bar",
      "kpi",
      "kpi",
      "kpi",
      "kpi",
      "leaderboard",
      "pie",
      "timeseries",
    ]);
    await callJson(`/api/dashboards/${support.id}`, { token, method: "DELETE" }, 204);
    expect((await callJson<{ data: Dashboard[] }>("/api/dashboards", { token }, 200)).data).toEqual([]);
    // The file's first request also loads the Worker (several seconds on a busy machine).
  }, 30_000);

  it("places widgets without a layout in the first free slot and refuses overlaps and the grid's edge", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const dashboard = await callJson<Dashboard>(
      "/api/dashboards",
      {
        token,
        json: {
          title: "Ops",
          widgets: [
            kpi("conversations_new", { x: 0, y: 0, w: 6, h: 4 }),
            kpi("messages_in", { x: 12, y: 0, w: 6, h: 4 }),
          ],
        },
      },
      201,
    );
    const D = `/api/dashboards/${dashboard.id}`;
    // 6×4 fits between the two; then at the row's end; then a 12×8 chart under them.
    const a = await callJson<Widget>(`${D}/widgets`, { token, json: kpi("messages_out") }, 201);
    const b = await callJson<Widget>(`${D}/widgets`, { token, json: kpi("handoffs") }, 201);
    const chart = await callJson<Widget>(
      `${D}/widgets`,
      {
        token,
        json: {
          type: "timeseries",
          title: "per day",
          query: { metrics: [{ id: "conversations_new" }], bucket: "day" },
        },
      },
      201,
    );
    expect([a.layout, b.layout, chart.layout]).toEqual([
      { x: 6, y: 0, w: 6, h: 4 },
      { x: 18, y: 0, w: 6, h: 4 },
      { x: 0, y: 4, w: 12, h: 8 },
    ]);
    const refused = async (json: unknown) =>
      (
        await callJson<{ error: { code: string; details: { message: string }[] } }>(
          `${D}/widgets`,
          { token, json },
          400,
        )
      ).error;
    expect((await refused(kpi("ai_answers", { x: 3, y: 2, w: 6, h: 4 }))).details[0]?.message).toMatch(
      /overlaps/,
    );
    expect((await refused(kpi("ai_answers", { x: 20, y: 40, w: 6, h: 4 }))).details[0]?.message).toMatch(
      /at most 24/,
    );
    await refused(kpi("no_such_metric"));
    await refused({
      type: "kpi",
      title: "two",
      query: { metrics: [{ id: "messages_in" }, { id: "messages_out" }] },
    });
    await refused({ type: "bar", title: "no group", query: { metrics: [{ id: "messages_in" }] } });
    await refused({
      type: "bar",
      title: "bad group",
      query: { metrics: [{ id: "ai_tokens" }], groupBy: "channel" },
    });
    await refused({ type: "kpi", title: "stat", query: { metrics: [{ id: "messages_in", stat: "p90" }] } });
    await refused({ type: "text", title: "note", query: { metrics: [{ id: "messages_in" }] } });
    await refused({
      type: "timeseries",
      title: "gauge",
      query: { metrics: [{ id: "conversations_open_now" }], bucket: "day" },
    });
    // Moving a widget onto another is refused too.
    await callJson(
      `${D}/widgets/${a.id}`,
      { token, method: "PUT", json: { layout: { x: 0, y: 0, w: 6, h: 4 } } },
      400,
    );
    const moved = await callJson<Widget>(
      `${D}/widgets/${a.id}`,
      { token, method: "PUT", json: { title: "Out", layout: { x: 12, y: 4, w: 6, h: 4 } } },
      200,
    );
    expect(moved).toMatchObject({ title: "Out", layout: { x: 12, y: 4, w: 6, h: 4 } });
    await callJson(`${D}/widgets/${b.id}`, { token, method: "DELETE" }, 204);
    expect((await callJson<Dashboard>(D, { token }, 200)).widgets).toHaveLength(4);
  });

  it("saves the whole layout with the version as an optimistic lock: a stale version is a 409", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const dashboard = await callJson<Dashboard>(
      "/api/dashboards",
      { token, json: { title: "Lock", widgets: [kpi("messages_in"), kpi("messages_out")] } },
      201,
    );
    const D = `/api/dashboards/${dashboard.id}`;
    const [w1, w2] = dashboard.widgets;
    const layout = {
      [String(w1?.id)]: { x: 0, y: 0, w: 12, h: 4 },
      [String(w2?.id)]: { x: 12, y: 0, w: 12, h: 4 },
    };
    const saved = await callJson<{ version: number }>(
      `${D}/layout`,
      { token, method: "PUT", json: { version: dashboard.version, layout } },
      200,
    );
    expect(saved.version).toBe(dashboard.version + 1);
    const stale = await callJson<{ error: { code: string; details: { code: string; current: number } } }>(
      `${D}/layout`,
      { token, method: "PUT", json: { version: dashboard.version, layout } },
      409,
    );
    expect(stale.error).toMatchObject({
      code: "conflict",
      details: { code: "VERSION_CONFLICT", current: saved.version },
    });
    expect((await callJson<Dashboard>(D, { token }, 200)).widgets.map((w) => w.layout.w)).toEqual([12, 12]);
    // Every widget, only once, without overlaps.
    await callJson(
      `${D}/layout`,
      {
        token,
        method: "PUT",
        json: { version: saved.version, layout: { [String(w1?.id)]: layout[String(w1?.id)] } },
      },
      400,
    );
    await callJson(
      `${D}/layout`,
      {
        token,
        method: "PUT",
        json: {
          version: saved.version,
          layout: { ...layout, [String(w2?.id)]: { x: 6, y: 0, w: 12, h: 4 } },
        },
      },
      400,
    );
    const renamed = await callJson<Dashboard>(D, { token, method: "PUT", json: { title: "Renamed" } }, 200);
    expect(renamed.version).toBe(saved.version + 1);
  });

  it("returns every widget's data in one call, exactly, with agents by name", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const alice = await addUser(tenant.tenant.id, "TENANT_USER");
    await insertEvents(
      tenant.tenant.id,
      supportHistory({ agent: crypto.randomUUID(), alice: alice.user.id, bob: crypto.randomUUID() }),
    );
    const dashboard = await callJson<Dashboard>(
      "/api/dashboards",
      {
        token,
        json: {
          title: "Data",
          widgets: [
            { type: "kpi", title: "FRT", query: { metrics: [{ id: "frt_human", stat: "p90" }] } },
            {
              type: "timeseries",
              title: "New",
              query: { metrics: [{ id: "conversations_new" }], bucket: "day" },
            },
            {
              type: "pie",
              title: "By channel",
              query: { metrics: [{ id: "messages_in" }], groupBy: "channel" },
            },
            {
              type: "leaderboard",
              title: "Top",
              query: { metrics: [{ id: "conversations_resolved" }], groupBy: "user", limit: 1 },
            },
            {
              type: "table",
              title: "Failures",
              query: {
                metrics: [{ id: "channel_delivery_failures" }],
                groupBy: "code",
                filters: [{ field: "channel", value: "whatsapp" }],
              },
            },
            { type: "text", title: "Note", options: { markdown: "Hello" } },
          ],
        },
      },
      201,
    );
    const member = await callJson<{ widgets: Record<string, unknown> }>(
      `/api/dashboards/${dashboard.id}/data?from=2026-10-05&to=2026-10-06`,
      { token: alice.accessToken },
      200,
    );
    const byTitle = Object.fromEntries(dashboard.widgets.map((w) => [w.title, member.widgets[w.id]]));
    expect(byTitle).toEqual({
      FRT: { type: "kpi", unit: "seconds", total: 1350, previous: null },
      New: {
        type: "timeseries",
        unit: "count",
        series: [
          {
            name: "conversations_new",
            points: [
              { t: "2026-10-05", v: 4 },
              { t: "2026-10-06", v: 0 },
            ],
          },
        ],
      },
      "By channel": {
        type: "pie",
        unit: "count",
        total: 6,
        groups: [
          { key: "web", label: "web", v: 3 },
          { key: "whatsapp", label: "whatsapp", v: 3 },
        ],
      },
      Top: {
        type: "leaderboard",
        unit: "count",
        total: 3,
        groups: [{ key: alice.user.id, label: "TENANT_USER", v: 2 }],
      },
      Failures: {
        type: "table",
        unit: "count",
        columns: ["code", "channel_delivery_failures"],
        rows: [
          ["131047", 2],
          ["470", 1],
        ],
      },
      Note: { type: "text", markdown: "Hello" },
    });
    await callJson(`/api/dashboards/${dashboard.id}/data?tz=Nowhere/City`, { token }, 400);

    // The same data as an SVG picture, for a reader too.
    const pie = dashboard.widgets.find((w) => w.title === "By channel");
    const response = await call(
      `/api/dashboards/${dashboard.id}/widgets/${pie?.id}/chart.svg?from=2026-10-05&to=2026-10-06`,
      {
        token: alice.accessToken,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    const svg = await response.text();
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('<title id="chart-title">By channel</title>');
    expect(svg).toContain("Pie chart, 2026-10-05 to 2026-10-06 (UTC). web 3, whatsapp 3.");
    expect(svg).not.toContain("<script");
  });

  it("lets tenant users read dashboards and only admins change them", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const [support] = (
      await callJson<{ data: Dashboard[] }>("/api/dashboards", { token: member.accessToken }, 200)
    ).data;
    const D = `/api/dashboards/${support?.id}`;
    await callJson(D, { token: member.accessToken }, 200);
    await callJson(`${D}/data`, { token: member.accessToken }, 200);
    for (const [method, path, json] of [
      ["POST", "/api/dashboards", { title: "Mine" }],
      ["PUT", D, { title: "Mine" }],
      ["DELETE", D, undefined],
      ["POST", `${D}/widgets`, kpi("messages_in")],
      ["PUT", `${D}/layout`, { version: 1, layout: {} }],
    ] as const) {
      const response = await call(path, { method, token: member.accessToken, json });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });
});
