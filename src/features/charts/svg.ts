import type { WidgetData } from "../dashboards/dashboards.schemas";
import { colour, formatValue, niceTicks, xml } from "./format";

/** What a chart shows: the widget's title and data, and the range for its description. */
export interface ChartInput {
  title: string;
  data: WidgetData;
  range: { from: string; to: string; tz: string };
  width?: number;
  height?: number;
}

const TYPE_NAMES: Record<WidgetData["type"], string> = {
  kpi: "Key figure",
  timeseries: "Line chart",
  bar: "Bar chart",
  pie: "Pie chart",
  table: "Table",
  leaderboard: "Leaderboard",
  text: "Note",
};

interface Frame {
  w: number;
  h: number;
  unit?: string;
}

const text = (x: number, y: number, content: string, attrs = "") =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs ? ` ${attrs}` : ""}>${xml(content)}</text>`;
const cut = (label: string, max: number) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);

/**
 * Renders a widget as a standalone, accessible SVG: role="img" labelled by its <title> and <desc>
 * (a plain-text summary of the figures), axes with labels, a legend, no script and no external resource.
 */
export function renderChart(input: ChartInput): string {
  const w = input.width ?? 640;
  const h = input.height ?? 320;
  const { data } = input;
  const frame: Frame = { w, h, unit: data.unit };
  const [body, summary] = data.error ? errorBody(frame, data.error) : bodyOf(frame, data);
  const desc = `${TYPE_NAMES[data.type]}, ${input.range.from} to ${input.range.to} (${input.range.tz}). ${summary}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12" fill="#1f2937">`,
    `<title id="chart-title">${xml(input.title)}</title>`,
    `<desc id="chart-desc">${xml(desc)}</desc>`,
    `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
    text(16, 26, input.title, 'font-size="16" font-weight="600" class="chart-heading"'),
    body,
    "</svg>",
  ].join("\n");
}

function bodyOf(frame: Frame, data: WidgetData): [string, string] {
  switch (data.type) {
    case "kpi":
      return kpi(frame, data);
    case "timeseries":
      return lines(frame, data.series ?? []);
    case "bar":
      return bars(frame, data.groups ?? []);
    case "pie":
      return pie(frame, data.groups ?? []);
    case "leaderboard":
      return leaderboard(frame, data.groups ?? []);
    case "table":
      return table(frame, data.columns ?? [], data.rows ?? []);
    case "text":
      return note(frame, data.markdown ?? "");
  }
}

function errorBody(frame: Frame, message: string): [string, string] {
  return [text(16, frame.h / 2, message, 'fill="#b91c1c"'), `No data: ${message}`];
}

function kpi(frame: Frame, data: WidgetData): [string, string] {
  const value = formatValue(data.total, frame.unit);
  const parts = [
    text(
      frame.w / 2,
      frame.h / 2 + 10,
      value,
      'font-size="48" font-weight="700" text-anchor="middle" class="kpi-value"',
    ),
  ];
  let comparison = "";
  if (typeof data.total === "number" && typeof data.previous === "number") {
    const change = data.total - data.previous;
    const arrow = change > 0 ? "▲" : change < 0 ? "▼" : "=";
    comparison = `${arrow} ${formatValue(Math.abs(change), frame.unit)} vs the previous period (${formatValue(data.previous, frame.unit)})`;
    parts.push(
      text(
        frame.w / 2,
        frame.h / 2 + 44,
        comparison,
        'text-anchor="middle" fill="#4b5563" class="kpi-comparison"',
      ),
    );
  }
  return [parts.join("\n"), `Value ${value}.${comparison ? ` ${comparison}.` : ""}`];
}

/** The plot area inside the axes. */
const plotArea = (frame: Frame) => ({ left: 64, right: frame.w - 16, top: 56, bottom: frame.h - 40 });

function yAxis(frame: Frame, max: number) {
  const area = plotArea(frame);
  const ticks = niceTicks(max);
  const top = ticks.at(-1) ?? 1;
  const y = (v: number) => area.bottom - (v / top) * (area.bottom - area.top);
  const marks = ticks.map(
    (t) =>
      `<line x1="${area.left}" x2="${area.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e7eb"/>\n` +
      text(area.left - 6, y(t) + 4, formatValue(t, frame.unit), 'text-anchor="end" fill="#4b5563"'),
  );
  const axes = `<g class="axis y-axis" aria-hidden="true">${marks.join("\n")}</g>
<line class="axis x-axis" x1="${area.left}" x2="${area.right}" y1="${area.bottom}" y2="${area.bottom}" stroke="#6b7280"/>
<line x1="${area.left}" x2="${area.left}" y1="${area.top}" y2="${area.bottom}" stroke="#6b7280"/>`;
  return { area, y, axes };
}

function legend(frame: Frame, names: string[]) {
  let x = frame.w - 16;
  const items = names
    .map((name, i) => ({ name: cut(name, 24), i }))
    .reverse()
    .map(({ name, i }) => {
      x -= name.length * 7 + 22;
      return `<g class="legend-item"><rect x="${x}" y="34" width="10" height="10" fill="${colour(i)}"/>${text(x + 14, 43, name)}</g>`;
    });
  return `<g class="legend">${items.join("")}</g>`;
}

function lines(
  frame: Frame,
  series: { name: string; points: { t: string; v: number | null }[] }[],
): [string, string] {
  const max = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.v ?? 0)));
  const { area, y, axes } = yAxis(frame, max);
  const count = Math.max(1, ...series.map((s) => s.points.length));
  const x = (i: number) =>
    area.left + (count === 1 ? (area.right - area.left) / 2 : (i / (count - 1)) * (area.right - area.left));
  const labels = series[0]?.points ?? [];
  const every = Math.max(1, Math.ceil(labels.length / 6));
  const xLabels = labels
    .map((p, i) =>
      i % every === 0 ? text(x(i), area.bottom + 16, p.t, 'text-anchor="middle" fill="#4b5563"') : "",
    )
    .join("");
  const paths = series.map((s, i) => {
    const points = s.points.map((p, j) => `${x(j).toFixed(1)},${y(p.v ?? 0).toFixed(1)}`).join(" ");
    const dots = s.points
      .map(
        (p, j) =>
          `<circle cx="${x(j).toFixed(1)}" cy="${y(p.v ?? 0).toFixed(1)}" r="2.5" fill="${colour(i)}"><title>${xml(`${s.name} ${p.t}: ${formatValue(p.v, frame.unit)}`)}</title></circle>`,
      )
      .join("");
    return `<g class="series"><polyline points="${points}" fill="none" stroke="${colour(i)}" stroke-width="2"/>${dots}</g>`;
  });
  const summary = series
    .map((s) => {
      const total = s.points.reduce((sum, p) => sum + (p.v ?? 0), 0);
      const peak = s.points.reduce(
        (best, p) => ((p.v ?? 0) > (best?.v ?? -Infinity) ? p : best),
        s.points[0],
      );
      return `${s.name}: ${s.points.length} points, sum ${formatValue(total, frame.unit)}, highest ${formatValue(peak?.v, frame.unit)} at ${peak?.t ?? "—"}.`;
    })
    .join(" ");
  return [
    `${axes}\n<g class="x-labels" aria-hidden="true">${xLabels}</g>\n${paths.join("\n")}\n${legend(
      frame,
      series.map((s) => s.name),
    )}`,
    summary || "No series.",
  ];
}

type Group = { key: string | null; label: string; v: number | null };
const listOf = (groups: Group[], unit?: string) =>
  groups.length ? `${groups.map((g) => `${g.label} ${formatValue(g.v, unit)}`).join(", ")}.` : "No data.";

function bars(frame: Frame, groups: Group[]): [string, string] {
  const { area, y, axes } = yAxis(frame, Math.max(0, ...groups.map((g) => g.v ?? 0)));
  const slot = (area.right - area.left) / Math.max(1, groups.length);
  const width = Math.min(48, slot * 0.7);
  const rects = groups.map((g, i) => {
    const cx = area.left + slot * (i + 0.5);
    const top = y(g.v ?? 0);
    return `<g class="bar"><rect x="${(cx - width / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${(area.bottom - top).toFixed(1)}" fill="${colour(0)}"><title>${xml(`${g.label}: ${formatValue(g.v, frame.unit)}`)}</title></rect>${text(cx, area.bottom + 16, cut(g.label, Math.max(4, Math.floor(slot / 7))), 'text-anchor="middle" fill="#4b5563"')}${text(cx, top - 4, formatValue(g.v, frame.unit), 'text-anchor="middle" font-size="11"')}</g>`;
  });
  return [`${axes}\n${rects.join("\n")}`, listOf(groups, frame.unit)];
}

function pie(frame: Frame, groups: Group[]): [string, string] {
  const total = groups.reduce((sum, g) => sum + Math.max(0, g.v ?? 0), 0);
  const r = Math.min(frame.h - 80, frame.w / 2 - 40) / 2;
  const cx = 32 + r;
  const cy = 48 + (frame.h - 48) / 2 - 4;
  let angle = -Math.PI / 2;
  const point = (a: number) => `${(cx + r * Math.cos(a)).toFixed(2)} ${(cy + r * Math.sin(a)).toFixed(2)}`;
  const slices = groups.map((g, i) => {
    const share = total ? Math.max(0, g.v ?? 0) / total : 0;
    const label = `${g.label}: ${formatValue(g.v, frame.unit)} (${Math.round(share * 1000) / 10}%)`;
    const start = angle;
    angle += share * 2 * Math.PI;
    const shape =
      share >= 0.9999
        ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colour(i)}">`
        : `<path d="M ${cx} ${cy} L ${point(start)} A ${r} ${r} 0 ${share > 0.5 ? 1 : 0} 1 ${point(angle)} Z" fill="${colour(i)}" stroke="#ffffff">`;
    const close = share >= 0.9999 ? "</circle>" : "</path>";
    const legendY = 60 + i * 20;
    return `<g class="slice">${shape}<title>${xml(label)}</title>${close}</g>
<g class="legend-item"><rect x="${cx + r + 32}" y="${legendY - 10}" width="12" height="12" fill="${colour(i)}"/>${text(cx + r + 50, legendY, cut(label, 48))}</g>`;
  });
  const empty = total ? "" : text(cx, cy, "No data", 'text-anchor="middle" fill="#6b7280"');
  return [`<g class="legend">${slices.join("\n")}</g>${empty}`, listOf(groups, frame.unit)];
}

function leaderboard(frame: Frame, groups: Group[]): [string, string] {
  const max = Math.max(0, ...groups.map((g) => g.v ?? 0)) || 1;
  const rowH = Math.min(28, (frame.h - 60) / Math.max(1, groups.length));
  const left = 180;
  const right = frame.w - 80;
  const rows = groups.map((g, i) => {
    const top = 48 + i * rowH;
    const width = ((g.v ?? 0) / max) * (right - left);
    return `<g class="rank">${text(16, top + rowH * 0.65, `${i + 1}. ${cut(g.label, 22)}`)}<rect x="${left}" y="${(top + rowH * 0.15).toFixed(1)}" width="${width.toFixed(1)}" height="${(rowH * 0.7).toFixed(1)}" fill="${colour(0)}"/>${text(left + width + 6, top + rowH * 0.65, formatValue(g.v, frame.unit))}</g>`;
  });
  return [rows.join("\n"), groups.length ? `Ranked: ${listOf(groups, frame.unit)}` : "No data."];
}

function table(frame: Frame, columns: string[], rows: (string | number | null)[][]): [string, string] {
  const colW = (frame.w - 32) / Math.max(1, columns.length);
  const cell = (value: string | number | null, i: number, y: number, attrs = "") =>
    text(
      16 + i * colW,
      y,
      cut(typeof value === "number" ? formatValue(value, frame.unit) : (value ?? "—"), Math.floor(colW / 7)),
      attrs,
    );
  const visible = rows.slice(0, Math.floor((frame.h - 70) / 20));
  const head = columns.map((c, i) => cell(c, i, 56, 'font-weight="600"')).join("");
  const body = visible.map((row, r) => row.map((v, i) => cell(v, i, 78 + r * 20)).join("")).join("\n");
  const summary = rows.length
    ? `${rows.length} rows. ${rows.map((row) => row.map((v) => (typeof v === "number" ? formatValue(v, frame.unit) : (v ?? "—"))).join(" ")).join("; ")}.`
    : "No rows.";
  return [
    `<g class="table-head">${head}</g><line x1="16" x2="${frame.w - 16}" y1="62" y2="62" stroke="#9ca3af"/>\n<g class="table-body">${body}</g>`,
    summary,
  ];
}

function note(frame: Frame, markdown: string): [string, string] {
  const lines = markdown.split("\n").slice(0, Math.floor((frame.h - 50) / 18));
  return [
    lines.map((line, i) => text(16, 56 + i * 18, cut(line, Math.floor(frame.w / 7)))).join("\n"),
    markdown.slice(0, 500),
  ];
}
