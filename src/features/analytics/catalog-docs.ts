import { catalog } from "./catalog";

export const CATALOG_BEGIN =
  "<!-- catalog:begin (generated from src/features/analytics/catalog.ts by scripts/analytics-docs.ts) -->";
export const CATALOG_END = "<!-- catalog:end -->";

const cell = (value: string) => value.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The metric table of docs/analytics.md, from the catalog (so the two cannot disagree). */
export function catalogMarkdown(): string {
  const rows = catalog.map((m) => {
    const stats = m.aggregation === "duration" ? "median, p90, mean" : m.aggregation;
    const dims = m.dimensions.length ? m.dimensions.join(", ") : "—";
    const series = m.timeseries ? "yes" : "no";
    return `| \`${m.id}\` | ${cell(m.label)} | ${m.unit} | ${stats} | ${dims} | ${series} | ${cell(m.definition)} |`;
  });
  return [
    CATALOG_BEGIN,
    "| id | label | unit | aggregation | groupBy / filters | bucket | definition |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    CATALOG_END,
  ].join("\n");
}
