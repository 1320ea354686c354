// A widget's chart, drawn in the browser from GET /api/dashboards/:id/data: one request answers
// every widget, where chart.svg would be one request (and one query) per widget and per period.
import { t } from "../strings";
import { colour, formatValue } from "./format";
import type { WidgetData } from "./types";

type Groups = NonNullable<WidgetData["groups"]>;
type Series = NonNullable<WidgetData["series"]>;

function Kpi({ data }: { data: WidgetData }) {
  return (
    <div class="kpi">
      <p class="kpi-value">{formatValue(data.total, data.unit)}</p>
      {data.previous !== undefined && (
        <p class="kpi-previous">{t.dashboards.previous(formatValue(data.previous, data.unit))}</p>
      )}
    </div>
  );
}

function Timeseries({ series, unit, title }: { series: Series; unit?: string; title: string }) {
  const points = series.flatMap((s) => s.points);
  if (!points.length) return <p class="empty">{t.dashboards.noData}</p>;
  const max = Math.max(1, ...points.map((p) => p.v ?? 0));
  const length = Math.max(...series.map((s) => s.points.length));
  const x = (i: number) => 30 + (i / Math.max(1, length - 1)) * 360;
  const y = (v: number | null) => 150 - ((v ?? 0) / max) * 140;
  const labels = series[0]?.points ?? [];
  const summary = series
    .map((s) => `${s.name}: ${s.points.map((p) => `${p.t} ${formatValue(p.v, unit)}`).join(", ")}`)
    .join("; ");
  return (
    <>
      <div class="plot">
        <svg
          class="chart-svg"
          viewBox="0 0 400 175"
          preserveAspectRatio="xMidYMin meet"
          role="img"
          aria-label={`${title}. ${summary}`}
        >
          <line class="axis" x1="30" y1="150" x2="390" y2="150" />
          <text class="tick" x="26" y="14" text-anchor="end">
            {formatValue(max, unit)}
          </text>
          <text class="tick" x="30" y="168">
            {labels[0]?.t}
          </text>
          <text class="tick" x="390" y="168" text-anchor="end">
            {labels[labels.length - 1]?.t}
          </text>
          {series.map((s, i) => (
            <polyline
              key={s.name}
              class="series"
              fill="none"
              stroke={colour(i)}
              stroke-width="2"
              points={s.points.map((p, j) => `${x(j)},${y(p.v)}`).join(" ")}
            />
          ))}
        </svg>
      </div>
      <Legend names={series.map((s) => s.name)} />
    </>
  );
}

function Legend({ names }: { names: string[] }) {
  return (
    <ul class="legend">
      {names.map((name, i) => (
        <li key={name}>
          <span class="swatch" style={{ background: colour(i) }} /> {name}
        </li>
      ))}
    </ul>
  );
}

const describe = (groups: Groups, unit?: string) =>
  groups.map((g) => `${g.label}: ${formatValue(g.v, unit)}`).join(", ");

function Bars({ groups, unit, title }: { groups: Groups; unit?: string; title: string }) {
  const max = Math.max(1, ...groups.map((g) => g.v ?? 0));
  return (
    <div class="plot">
      <svg
        class="chart-svg"
        viewBox={`0 0 400 ${groups.length * 26}`}
        preserveAspectRatio="xMinYMin meet"
        role="img"
        aria-label={`${title}. ${describe(groups, unit)}`}
      >
        {groups.map((g, i) => (
          <g key={g.key ?? "none"}>
            <text class="tick" x="0" y={i * 26 + 17}>
              {g.label.slice(0, 18)}
            </text>
            <rect
              class="bar"
              x="130"
              y={i * 26 + 4}
              height="18"
              width={Math.max(1, ((g.v ?? 0) / max) * 220)}
              fill={colour(0)}
            />
            <text class="tick" x="396" y={i * 26 + 17} text-anchor="end">
              {formatValue(g.v, unit)}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

function Pie({ groups, unit, title }: { groups: Groups; unit?: string; title: string }) {
  const total = groups.reduce((sum, g) => sum + (g.v ?? 0), 0) || 1;
  let angle = -Math.PI / 2;
  const point = (a: number) => `${100 + 80 * Math.cos(a)},${100 + 80 * Math.sin(a)}`;
  return (
    <div class="pie">
      <div class="plot">
        <svg
          class="chart-svg"
          viewBox="0 0 200 200"
          role="img"
          aria-label={`${title}. ${describe(groups, unit)}`}
        >
          {groups.map((g, i) => {
            const share = (g.v ?? 0) / total;
            const start = angle;
            angle += share * 2 * Math.PI;
            // A whole pie is a circle: an arc cannot start and end at the same point.
            if (share >= 0.9999)
              return <circle key={g.key ?? "none"} class="slice" cx="100" cy="100" r="80" fill={colour(i)} />;
            const large = share > 0.5 ? 1 : 0;
            const d = `M100,100 L${point(start)} A80,80 0 ${large} 1 ${point(angle)} Z`;
            return <path key={g.key ?? "none"} class="slice" d={d} fill={colour(i)} />;
          })}
        </svg>
      </div>
      <Legend names={groups.map((g) => `${g.label} (${formatValue(g.v, unit)})`)} />
    </div>
  );
}

function Leaderboard({ groups, unit }: { groups: Groups; unit?: string }) {
  const max = Math.max(1, ...groups.map((g) => g.v ?? 0));
  return (
    <ol class="leaderboard">
      {groups.map((g) => (
        <li key={g.key ?? "none"}>
          <span class="who">{g.label}</span> <strong>{formatValue(g.v, unit)}</strong>
          <span class="meter" style={{ width: `${((g.v ?? 0) / max) * 100}%` }} />
        </li>
      ))}
    </ol>
  );
}

function Table({ data }: { data: WidgetData }) {
  if (!data.rows?.length) return <p class="empty">{t.dashboards.noData}</p>;
  return (
    <table class="documents data-table">
      <thead>
        <tr>
          {(data.columns ?? []).map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.rows.map((row) => (
          <tr key={String(row[0])}>
            {row.map((cell, i) => (
              <td key={i}>{typeof cell === "number" ? formatValue(cell, data.unit) : (cell ?? "–")}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The chart for one widget's data (its type decides the drawing); an error or no data says so. */
export function Chart({ data, title }: { data: WidgetData | undefined; title: string }) {
  if (!data) return <p class="empty">{t.dashboards.loading}</p>;
  if (data.error)
    return (
      <p class="error" role="alert">
        {data.error}
      </p>
    );
  if (data.type === "text") return <p class="markdown">{data.markdown}</p>;
  if (data.type === "kpi") return <Kpi data={data} />;
  if (data.type === "timeseries")
    return <Timeseries series={data.series ?? []} unit={data.unit} title={title} />;
  if (data.type === "table") return <Table data={data} />;
  const groups = data.groups ?? [];
  if (!groups.length) return <p class="empty">{t.dashboards.noData}</p>;
  if (data.type === "pie") return <Pie groups={groups} unit={data.unit} title={title} />;
  if (data.type === "leaderboard") return <Leaderboard groups={groups} unit={data.unit} />;
  return <Bars groups={groups} unit={data.unit} title={title} />;
}
