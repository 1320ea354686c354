// Numbers as a dashboard shows them, by the metric's unit.

/** `value` in `unit` for people: durations as 1h 5m, rates with %, money with its sign. */
export function formatValue(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined) return "–";
  if (unit === "seconds") {
    const s = Math.round(value);
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
    return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  }
  const number = value.toLocaleString(undefined, { maximumFractionDigits: unit === "ratio" ? 2 : 1 });
  if (unit === "percent") return `${number}%`;
  if (unit === "usd") return `$${number}`;
  if (unit === "rupees") return `₹${number}`;
  return number;
}

/** Colours for series and slices, each at least 3:1 against white. */
export const PALETTE = ["#0b5cad", "#c2410c", "#1a7f37", "#8250df", "#a40e26", "#7d5a00"];
export const colour = (i: number) => PALETTE[i % PALETTE.length] as string;
