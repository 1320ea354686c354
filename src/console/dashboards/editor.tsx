// Adding or changing a widget: its type, title, and a query built from the metric catalog (metric and
// statistic, a second metric to compare, group-by, interval, one filter) or, for text, its text.
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../strings";
import type { Metric, Widget, WidgetQuery } from "./types";

const TYPES = ["kpi", "timeseries", "bar", "pie", "table", "leaderboard", "text"] as const;
type WidgetType = (typeof TYPES)[number];
const GROUPED = new Set<WidgetType>(["bar", "pie", "leaderboard", "table"]);

/** The body of POST or PUT …/widgets. */
export interface WidgetBody {
  type: WidgetType;
  title: string;
  query?: WidgetQuery;
  options?: Record<string, unknown>;
}

interface Props {
  metrics: Metric[];
  widget: Widget | null;
  onSave(body: WidgetBody): void;
  onCancel(): void;
}

function initial(widget: Widget | null) {
  const query = widget?.query;
  const filter = query?.filters?.[0];
  return {
    type: (widget?.type ?? "kpi") as WidgetType,
    title: widget?.title ?? "",
    metric: query?.metrics[0]?.id ?? "conversations_new",
    stat: query?.metrics[0]?.stat ?? "",
    compare: query?.metrics[1]?.id ?? "",
    groupBy: query?.groupBy ?? "",
    bucket: query?.bucket ?? "day",
    filterField: filter?.field ?? "",
    filterValues: filter ? [filter.value].flat().join(", ") : "",
    markdown: typeof widget?.options.markdown === "string" ? widget.options.markdown : "",
  };
}
type Form = ReturnType<typeof initial>;

function body(form: Form, widget: Widget | null): WidgetBody {
  if (form.type === "text") return { type: "text", title: form.title, options: { markdown: form.markdown } };
  const multi = form.type === "timeseries" || form.type === "table";
  const first = { id: form.metric, ...(form.stat ? { stat: form.stat as "median" } : {}) };
  const kept = widget?.query?.metrics.slice(2) ?? [];
  const metrics = multi && form.compare ? [first, { id: form.compare }, ...kept] : [first];
  const values = form.filterValues
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  const groupBy = form.groupBy as WidgetQuery["groupBy"];
  const query: WidgetQuery = {
    metrics,
    ...(GROUPED.has(form.type) || (form.type === "timeseries" && metrics.length === 1 && groupBy)
      ? { groupBy }
      : {}),
    ...(form.type === "timeseries" ? { bucket: form.bucket as "day" } : {}),
    ...(form.filterField && values.length
      ? { filters: [{ field: form.filterField as "channel", value: values }] }
      : {}),
  };
  return { type: form.type, title: form.title, query };
}

/** The widget form (a new widget when `widget` is null). */
export function WidgetEditor({ metrics, widget, onSave, onCancel }: Props) {
  const [form, setForm] = useState(() => initial(widget));
  const first = useRef<HTMLSelectElement>(null);
  // The form opens above the grid: focus goes to it, so a keyboard user lands where they can type.
  useEffect(() => first.current?.focus(), []);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const value = (field: keyof Form) => (event: Event) =>
    set({ [field]: (event.currentTarget as HTMLInputElement).value } as Partial<Form>);
  const choices = form.type === "timeseries" ? metrics.filter((m) => m.timeseries) : metrics;
  const metric = metrics.find((m) => m.id === form.metric);
  const grouped = GROUPED.has(form.type) || form.type === "timeseries";
  const label = widget ? t.dashboards.editWidget : t.dashboards.addWidget;
  return (
    <form
      class="card widget-editor"
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        onSave(body(form, widget));
      }}
    >
      <h3>{label}</h3>
      <label>
        {t.dashboards.type}
        <select ref={first} value={form.type} onChange={value("type")}>
          {TYPES.map((type) => (
            <option value={type}>{t.dashboards.types[type]}</option>
          ))}
        </select>
      </label>
      <label>
        {t.dashboards.widgetTitle}
        <input type="text" required maxLength={200} value={form.title} onInput={value("title")} />
      </label>
      {form.type === "text" ? (
        <label class="wide">
          {t.dashboards.markdown}
          <textarea rows={4} value={form.markdown} onInput={value("markdown")} />
        </label>
      ) : (
        <>
          <label>
            {t.dashboards.metric}
            <select value={form.metric} onChange={value("metric")}>
              {choices.map((m) => (
                <option value={m.id}>{m.label}</option>
              ))}
            </select>
          </label>
          {!!metric?.statistics.length && (
            <label>
              {t.dashboards.stat}
              <select value={form.stat} onChange={value("stat")}>
                <option value="">{t.dashboards.nothing}</option>
                {metric.statistics.map((s) => (
                  <option value={s}>{s}</option>
                ))}
              </select>
            </label>
          )}
          {(form.type === "timeseries" || form.type === "table") && (
            <label>
              {t.dashboards.compare}
              <select value={form.compare} onChange={value("compare")}>
                <option value="">{t.dashboards.nothing}</option>
                {choices.map((m) => (
                  <option value={m.id}>{m.label}</option>
                ))}
              </select>
            </label>
          )}
          {grouped && (
            <label>
              {t.dashboards.groupBy}
              <select value={form.groupBy} onChange={value("groupBy")} required={form.type !== "timeseries"}>
                <option value="">{t.dashboards.nothing}</option>
                {(metric?.dimensions ?? []).map((d) => (
                  <option value={d}>{d}</option>
                ))}
              </select>
            </label>
          )}
          {form.type === "timeseries" && (
            <label>
              {t.dashboards.bucket}
              <select value={form.bucket} onChange={value("bucket")}>
                {Object.entries(t.dashboards.buckets).map(([id, name]) => (
                  <option value={id}>{name}</option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t.dashboards.filterField}
            <select value={form.filterField} onChange={value("filterField")}>
              <option value="">{t.dashboards.nothing}</option>
              {(metric?.filters ?? []).map((d) => (
                <option value={d}>{d}</option>
              ))}
            </select>
          </label>
          {form.filterField && (
            <label>
              {t.dashboards.filterValues}
              <input type="text" value={form.filterValues} onInput={value("filterValues")} />
            </label>
          )}
        </>
      )}
      <button type="submit">{t.dashboards.save}</button>
      <button type="button" class="secondary" onClick={onCancel}>
        {t.dashboards.cancel}
      </button>
    </form>
  );
}
