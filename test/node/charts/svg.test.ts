import { describe, expect, it } from "vitest";
import { renderChart } from "../../../src/features/charts/svg";
import type { WidgetData } from "../../../src/features/dashboards/dashboards.schemas";

const range = { from: "2026-10-01", to: "2026-10-03", tz: "UTC" };

/** The element names in document order, after checking every tag is closed in order (well-formed). */
function elements(svg: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name = "", , selfClosing] = match;
    if (closing) expect(open.pop(), `closing </${name}>`).toBe(name);
    else {
      names.push(name);
      if (!selfClosing) open.push(name);
    }
  }
  expect(open).toEqual([]);
  return names;
}

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;

function expectAccessible(svg: string, title: string) {
  expect(svg).toMatch(
    /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img" aria-labelledby="chart-title chart-desc"/,
  );
  expect(svg).toContain(`<title id="chart-title">${title}</title>`);
  expect(svg).toMatch(/<desc id="chart-desc">[^<]+<\/desc>/);
  expect(svg).not.toMatch(/<script|\son\w+=|href=|<foreignObject|url\(/i);
  const names = elements(svg);
  expect(names.slice(0, 3)).toEqual(["svg", "title", "desc"]);
}

describe("SVG charts", () => {
  it("draws a time series with axes, x labels, one line and point per value and a legend", () => {
    const data: WidgetData = {
      type: "timeseries",
      unit: "count",
      series: [
        {
          name: "conversations_new",
          points: [
            { t: "2026-10-01", v: 4 },
            { t: "2026-10-02", v: 0 },
            { t: "2026-10-03", v: 7 },
          ],
        },
        {
          name: "conversations_resolved",
          points: [
            { t: "2026-10-01", v: 1 },
            { t: "2026-10-02", v: 2 },
            { t: "2026-10-03", v: 3 },
          ],
        },
      ],
    };
    const svg = renderChart({ title: "Conversations per day", data, range });
    expectAccessible(svg, "Conversations per day");
    expect(count(svg, /<polyline /g)).toBe(2);
    expect(count(svg, /<circle /g)).toBe(6);
    expect(count(svg, /class="legend-item"/g)).toBe(2);
    expect(svg).toContain('class="axis y-axis"');
    expect(svg).toContain(">2026-10-01</text>");
    expect(svg).toContain(
      '<desc id="chart-desc">Line chart, 2026-10-01 to 2026-10-03 (UTC). conversations_new: 3 points, sum 11, highest 7 at 2026-10-03.',
    );
  });

  it("draws bars, pie slices and a leaderboard with every group's label and value", () => {
    const groups = [
      { key: "web", label: "web", v: 3 },
      { key: "whatsapp", label: "whatsapp", v: 1 },
    ];
    const bar = renderChart({ title: "By channel", data: { type: "bar", unit: "count", groups }, range });
    expectAccessible(bar, "By channel");
    expect(count(bar, /<g class="bar">/g)).toBe(2);
    expect(bar).toContain("web 3, whatsapp 1.");
    const pie = renderChart({ title: "Share", data: { type: "pie", unit: "count", groups }, range });
    expectAccessible(pie, "Share");
    expect(count(pie, /<g class="slice"><path /g)).toBe(2);
    expect(pie).toContain(">web: 3 (75%)</text>");
    const board = renderChart({
      title: "Top",
      data: { type: "leaderboard", unit: "seconds", groups: [{ key: "a", label: "Alice", v: 210 }] },
      range,
    });
    expectAccessible(board, "Top");
    expect(board).toContain(">1. Alice</text>");
    expect(board).toContain(">3m 30s</text>");
  });

  it("shows a KPI with its unit and the previous period, a table, a note, and escapes text", () => {
    const kpi = renderChart({
      title: 'CSAT <all> & "more"',
      data: { type: "kpi", unit: "percent", total: 66.67, previous: 50 },
      range,
    });
    expectAccessible(kpi, "CSAT &lt;all&gt; &amp; &quot;more&quot;");
    expect(kpi).toContain(">66.7%</text>");
    expect(kpi).toContain("▲ 16.7% vs the previous period (50%)");
    const table = renderChart({
      title: "Failures",
      data: {
        type: "table",
        unit: "count",
        columns: ["code", "failures"],
        rows: [
          ["131047", 2],
          ["<b>", 1],
        ],
      },
      range,
    });
    expectAccessible(table, "Failures");
    expect(table).toContain(">&lt;b&gt;</text>");
    const note = renderChart({
      title: "Note",
      data: { type: "text", markdown: "line one\nline <two>" },
      range,
    });
    expectAccessible(note, "Note");
    expect(note).toContain(">line &lt;two&gt;</text>");
    const failed = renderChart({ title: "Broken", data: { type: "kpi", error: "unknown metric" }, range });
    expectAccessible(failed, "Broken");
    expect(failed).toContain("No data: unknown metric");
  });
});
