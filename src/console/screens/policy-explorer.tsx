import { useEffect, useState } from "preact/hooks";
import { api, apiBlob } from "../api";
import { t } from "../strings";

interface Sums {
  policies: number;
  gwp: number;
  netPremium: number;
  brokerage: number;
  cashback: number;
  net: number;
}
interface ExplorerRow {
  id: string;
  policyNumber: string | null;
  insurer: string | null;
  issueDate: string | null;
  customerName: string | null;
  vehicleNumber: string | null;
  callerName: string | null;
  branch: string | null;
  totalPremium: number | null;
  brokerage: number;
  cashback: number | null;
  net: number;
}
interface ExplorerResult {
  totals: Sums;
  groups: Array<Sums & { key: string | null }> | null;
  data: ExplorerRow[];
  total: number;
}
interface Rep {
  rank: number;
  rep: string | null;
  policies: number;
  gwp: number;
  brokerage: number;
  cashback: number;
  net: number;
  averageCashbackPercent: number | null;
}

const rupees = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" });
const money = (value: number | null) => (value === null ? "" : rupees.format(value));
const FILTERS = ["insurer", "callerName", "branch", "make", "vehiclePrefix"] as const;

/** The sales explorer: filters, group-by with sums, the matching rows, and the same as a CSV file. */
export function Explorer() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [result, setResult] = useState<ExplorerResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = (extra: Record<string, string> = {}) => {
    const params = new URLSearchParams({ limit: "50" });
    for (const [name, value] of Object.entries({ ...filters, ...extra }))
      if (value.trim()) params.set(name, value.trim());
    return `/api/dashboard/explorer?${params}`;
  };
  const run = () => {
    setError(null);
    api<ExplorerResult>(query())
      .then(setResult)
      .catch((caught: Error) => setError(caught.message));
  };
  useEffect(run, []);
  const exportCsv = async () => {
    try {
      const url = URL.createObjectURL(await apiBlob(query({ format: "csv" })));
      const link = document.createElement("a");
      link.href = url;
      link.download = "policies.csv";
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  const set = (name: string) => (event: Event) =>
    setFilters((all) => ({ ...all, [name]: (event.target as HTMLInputElement).value }));
  const f = t.policies.filters;
  const c = t.policies.columns;
  return (
    <div class="policy-explorer">
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          run();
        }}
      >
        {FILTERS.map((name) => (
          <label key={name}>
            {f[name]}
            <input type="text" value={filters[name] ?? ""} onInput={set(name)} />
          </label>
        ))}
        <label>
          {f.productLine}
          <select value={filters.productLine ?? ""} onChange={set("productLine")}>
            <option value="">{t.policies.any}</option>
            {Object.entries(t.policies.lines).map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          {f.from}
          <input type="date" value={filters.from ?? ""} onInput={set("from")} />
        </label>
        <label>
          {f.to}
          <input type="date" value={filters.to ?? ""} onInput={set("to")} />
        </label>
        <label>
          {f.groupBy}
          <select value={filters.groupBy ?? ""} onChange={set("groupBy")}>
            <option value="">{t.policies.none}</option>
            {Object.entries(t.policies.groups).map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t.policies.run}</button>
        <button type="button" onClick={() => void exportCsv()}>
          {t.policies.exportCsv}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <>
          <p aria-live="polite">
            {t.policies.matching(result.total)} · {c.gwp} {money(result.totals.gwp)} · {c.brokerage}{" "}
            {money(result.totals.brokerage)} · {c.cashback} {money(result.totals.cashback)} · {c.net}{" "}
            {money(result.totals.net)}
          </p>
          {result.groups && (
            <div class="table-scroll">
              <table class="documents" aria-label={t.policies.groups[filters.groupBy ?? ""] ?? c.group}>
                <thead>
                  <tr>
                    {[c.group, c.policies, c.gwp, c.netPremium, c.brokerage, c.cashback, c.net].map(
                      (name) => (
                        <th scope="col">{name}</th>
                      ),
                    )}
                  </tr>
                </thead>
                <tbody>
                  {result.groups.map((group) => (
                    <tr key={group.key ?? ""}>
                      <th scope="row">{group.key ?? t.policies.none}</th>
                      <td>{group.policies}</td>
                      <td>{money(group.gwp)}</td>
                      <td>{money(group.netPremium)}</td>
                      <td>{money(group.brokerage)}</td>
                      <td>{money(group.cashback)}</td>
                      <td>{money(group.net)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div class="table-scroll">
            <table class="documents" aria-label={t.policies.tabs.explorer}>
              <thead>
                <tr>
                  {[
                    c.policyNumber,
                    c.insurer,
                    c.issueDate,
                    c.customer,
                    c.vehicle,
                    c.rep,
                    c.branch,
                    c.total,
                    c.net,
                  ].map((name) => (
                    <th scope="col">{name}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.data.length === 0 && (
                  <tr>
                    <td colSpan={9}>{t.policies.noPolicies}</td>
                  </tr>
                )}
                {result.data.map((row) => (
                  <tr key={row.id}>
                    <td>{row.policyNumber}</td>
                    <td>{row.insurer}</td>
                    <td>{row.issueDate}</td>
                    <td>{row.customerName}</td>
                    <td>{row.vehicleNumber}</td>
                    <td>{row.callerName}</td>
                    <td>{row.branch}</td>
                    <td>{money(row.totalPremium)}</td>
                    <td>{money(row.net)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** Reps ranked by net revenue (brokerage − cashback) over a period. */
export function Leaderboard() {
  const [period, setPeriod] = useState("30d");
  const [reps, setReps] = useState<Rep[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ data: Rep[] }>(`/api/dashboard/leaderboard?period=${period}`)
      .then((board) => setReps(board.data))
      .catch((caught: Error) => setError(caught.message));
  }, [period]);
  const c = t.policies.columns;
  return (
    <div class="policy-leaderboard">
      <label class="inline">
        {t.policies.period}{" "}
        <select value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value)}>
          {Object.entries(t.policies.periods).map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
      </label>
      {error && <p class="error">{error}</p>}
      <div class="table-scroll">
        <table class="documents" aria-label={t.policies.tabs.leaderboard}>
          <thead>
            <tr>
              {[c.rank, c.rep, c.policies, c.gwp, c.brokerage, c.cashback, c.net, c.averageCashback].map(
                (name) => (
                  <th scope="col">{name}</th>
                ),
              )}
            </tr>
          </thead>
          <tbody>
            {reps?.length === 0 && (
              <tr>
                <td colSpan={8}>{t.policies.noReps}</td>
              </tr>
            )}
            {reps?.map((rep) => (
              <tr key={rep.rep ?? ""}>
                <td>{rep.rank}</td>
                <th scope="row">{rep.rep ?? t.policies.noRep}</th>
                <td>{rep.policies}</td>
                <td>{money(rep.gwp)}</td>
                <td>{money(rep.brokerage)}</td>
                <td>{money(rep.cashback)}</td>
                <td>{money(rep.net)}</td>
                <td>{rep.averageCashbackPercent === null ? "" : `${rep.averageCashbackPercent}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
