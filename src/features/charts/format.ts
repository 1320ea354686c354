/** Escapes text for SVG/XML content and attribute values. */
export const xml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );

/** A duration in seconds as people read it: 45s, 3m 30s, 2h 5m, 3d 4h. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ""}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ""}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)}h` : ""}`;
}

/** A metric value with its unit (null shows as an em dash: no data). */
export function formatValue(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined) return "—";
  if (unit === "seconds") return duration(value);
  if (unit === "percent") return `${Math.round(value * 10) / 10}%`;
  if (unit === "usd") return `$${value.toFixed(2)}`;
  if (unit === "rupees") return `₹${value.toLocaleString("en-IN", { maximumFractionDigits: 2 })}`;
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** Round axis ticks from 0 to at least `max` (1, 2 or 5 × 10ⁿ steps). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = 0; v < max + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Math.round(ticks.length * step * 1e6) / 1e6);
  return ticks;
}

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#CC79A7",
  "#56B4E9",
  "#F0E442",
  "#000000",
];
export const colour = (i: number) => PALETTE[i % PALETTE.length] ?? "#0072B2";
