// The Dashboards section: the tenant's dashboards, their widgets on the 24-column grid with a chart
// each, the period picker, adding/editing/removing widgets and arranging them (PUT layout, guarded by
// the dashboard's version: a 409 reloads and says so).
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, session } from "../api";
import { type WidgetBody, WidgetEditor } from "../dashboards/editor";
import { Grid } from "../dashboards/grid";
import { DashboardBar, type Period, PeriodPicker } from "../dashboards/toolbar";
import type { Dashboard, DashboardInfo, Data, Layout, Metric, Widget } from "../dashboards/types";
import { t } from "../strings";

const BASE = "/api/dashboards";
const layoutOf = (d: Dashboard): Layout => Object.fromEntries(d.widgets.map((w) => [w.id, w.layout]));
const chosen = () => new URLSearchParams(location.search).get("dashboard");

/** The Dashboards screen (a lazy chunk). */
export default function Dashboards() {
  const [list, setList] = useState<DashboardInfo[]>([]);
  const [metrics, setMetrics] = useState<Metric[]>([]);
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [layout, setLayout] = useState<Layout>({});
  const [data, setData] = useState<Data | null>(null);
  const [period, setPeriod] = useState<Period | null>(null);
  const [arranging, setArranging] = useState(false);
  const [editing, setEditing] = useState<Widget | "new" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Everyone reads dashboards; only admins change them (dashboards:manage), so agents see no controls.
  const manage = session()?.user.role !== "TENANT_USER";
  const guard = <T,>(promise: Promise<T>) =>
    promise.catch((caught: Error) => {
      setError(caught.message);
      return null;
    });

  // Only the latest dashboard and data requests count: an answer for one picked before (or deleted
  // since) must not replace what is on screen, nor show its error.
  const latest = useRef({ open: 0, data: 0 });
  const latestOnly = async <T,>(kind: "open" | "data", path: string): Promise<T | null> => {
    const ticket = ++latest.current[kind];
    try {
      const result = await api<T>(path);
      return ticket === latest.current[kind] ? result : null;
    } catch (caught) {
      if (ticket === latest.current[kind]) setError((caught as Error).message);
      return null;
    }
  };

  const loadList = async () => {
    const result = await guard(api<{ data: DashboardInfo[] }>(BASE));
    if (!result) return;
    setList(result.data);
    const id = [chosen(), dashboard?.id].find((c) => c && result.data.some((d) => d.id === c));
    void open(id ?? result.data[0]?.id ?? null);
  };
  const open = async (id: string | null, keepPeriod = period) => {
    setArranging(false);
    setEditing(null);
    if (!id) return void setDashboard(null);
    history.replaceState(null, "", `${location.pathname}?dashboard=${id}`);
    const loaded = await latestOnly<Dashboard>("open", `${BASE}/${id}`);
    if (!loaded) return;
    setDashboard(loaded);
    setLayout(layoutOf(loaded));
    void loadData(loaded.id, keepPeriod);
  };
  const loadData = async (id: string, range: Period | null) => {
    setData(null);
    const query = range ? `?${new URLSearchParams({ ...range })}` : "";
    const result = await latestOnly<Data>("data", `${BASE}/${id}/data${query}`);
    if (result) setData(result);
  };
  useEffect(() => {
    void loadList();
    void guard(api<{ data: Metric[] }>("/api/analytics/metrics")).then((r) => r && setMetrics(r.data));
  }, []);

  const change = async (work: () => Promise<unknown>, then = () => loadList()) => {
    setError(null);
    setNotice(null);
    if ((await guard(work().then(() => true))) !== null) await then();
  };
  const create = (title: string) =>
    change(async () => {
      const made = await api<Dashboard>(BASE, { json: { title } });
      history.replaceState(null, "", `${location.pathname}?dashboard=${made.id}`);
    });
  const rename = (title: string) =>
    dashboard && change(() => api(`${BASE}/${dashboard.id}`, { method: "PUT", json: { title } }));
  const remove = () =>
    dashboard &&
    change(async () => {
      await api(`${BASE}/${dashboard.id}`, { method: "DELETE" });
      history.replaceState(null, "", location.pathname);
    });
  const reopen = () => (dashboard ? open(dashboard.id) : Promise.resolve());
  const saveWidget = (body: WidgetBody) => {
    if (!dashboard) return;
    const path = `${BASE}/${dashboard.id}/widgets`;
    void change(
      () =>
        editing && editing !== "new"
          ? api(`${path}/${editing.id}`, { method: "PUT", json: body })
          : api(path, { json: body }),
      reopen,
    );
  };
  const removeWidget = (widget: Widget) =>
    dashboard &&
    confirm(t.dashboards.confirmRemoveWidget(widget.title)) &&
    void change(() => api(`${BASE}/${dashboard.id}/widgets/${widget.id}`, { method: "DELETE" }), reopen);
  const saveLayout = async () => {
    if (!dashboard) return;
    setError(null);
    try {
      const { version } = await api<{ version: number }>(`${BASE}/${dashboard.id}/layout`, {
        method: "PUT",
        json: { version: dashboard.version, layout },
      });
      setDashboard({
        ...dashboard,
        version,
        widgets: dashboard.widgets.map((w) => ({ ...w, layout: layout[w.id] ?? w.layout })),
      });
      setArranging(false);
      setNotice(t.dashboards.layoutSaved);
    } catch (caught) {
      if (!(caught instanceof ApiError) || caught.status !== 409) return setError((caught as Error).message);
      await open(dashboard.id);
      setError(t.dashboards.conflict);
    }
  };

  return (
    <section class="page dashboards" aria-labelledby="dashboards-title">
      <h2 id="dashboards-title" class="page-title">
        {t.dashboards.title}
      </h2>
      <DashboardBar
        list={list}
        current={dashboard}
        manage={manage}
        onPick={(id) => void open(id)}
        onCreate={(title) => void create(title)}
        onRename={(title) => void rename(title)}
        onDelete={() => void remove()}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {dashboard && (
        <>
          <PeriodPicker
            range={data?.range}
            onApply={(next) => {
              setPeriod(next);
              void loadData(dashboard.id, next);
            }}
          />
          {manage && (
            <div class="dash-actions">
              {arranging ? (
                <>
                  <button type="button" onClick={() => void saveLayout()}>
                    {t.dashboards.saveLayout}
                  </button>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => {
                      setLayout(layoutOf(dashboard));
                      setArranging(false);
                    }}
                  >
                    {t.dashboards.cancel}
                  </button>
                </>
              ) : (
                <>
                  <button type="button" onClick={() => setEditing("new")}>
                    {t.dashboards.addWidget}
                  </button>
                  <button type="button" class="secondary arrange" onClick={() => setArranging(true)}>
                    {t.dashboards.arrange}
                  </button>
                </>
              )}
            </div>
          )}
          {editing && (
            <WidgetEditor
              key={editing === "new" ? "new" : editing.id}
              metrics={metrics}
              widget={editing === "new" ? null : editing}
              onSave={saveWidget}
              onCancel={() => setEditing(null)}
            />
          )}
          <Grid
            widgets={dashboard.widgets}
            layout={layout}
            data={data}
            arranging={arranging}
            onLayout={setLayout}
            onEdit={manage ? setEditing : undefined}
            onRemove={manage ? removeWidget : undefined}
          />
        </>
      )}
    </section>
  );
}
