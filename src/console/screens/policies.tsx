import { useEffect, useRef, useState } from "preact/hooks";
import type { InboxEvent } from "../../features/inbox/inbox.protocol";
import { api, session } from "../api";
import { t } from "../strings";
import { Explorer, Leaderboard } from "./policy-explorer";
import { type Policy, PolicyReview } from "./policy-review";

type Tab = "upload" | "list" | "explorer" | "leaderboard";
const TABS: Tab[] = ["upload", "list", "explorer", "leaderboard"];
// The upload's way through extraction, for its progress bar.
const STEPS: Record<string, number> = { uploading: 0, queued: 1, extracting: 2 };

interface UploadRow {
  key: string;
  id: string | null;
  filename: string;
  state: string;
  reason: string | null;
  policyId: string | null;
}

/**
 * Policies: upload schedules (drag and drop, many at once) with their progress from the inbox
 * stream, the review queue beside each PDF, every policy, the sales explorer and the leaderboard.
 */
export default function Policies({
  subscribe,
}: {
  subscribe(listener: (event: InboxEvent) => void): () => void;
}) {
  const [tab, setTab] = useState<Tab>("upload");
  const [open, setOpen] = useState<string | null>(null);
  const [refreshed, setRefreshed] = useState(0);
  const admin = session()?.user.role !== "TENANT_USER";
  const reload = () => setRefreshed((n) => n + 1);
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const onTabKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    const next = (index + step + TABS.length) % TABS.length;
    setTab(TABS[next] ?? "upload");
    tabs.current[next]?.focus();
  };
  return (
    <section class="page policies" aria-labelledby="policies-title">
      <h2 id="policies-title" class="page-title">
        {t.policies.title}
      </h2>
      <div role="tablist" aria-label={t.policies.tabsLabel} class="policy-tabs">
        {TABS.map((name, index) => (
          <button
            type="button"
            role="tab"
            id={`policy-tab-${name}`}
            aria-selected={tab === name}
            aria-controls="policy-panel"
            tabIndex={tab === name ? 0 : -1}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            onClick={() => setTab(name)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {t.policies.tabs[name]}
          </button>
        ))}
      </div>
      <div id="policy-panel" role="tabpanel" aria-labelledby={`policy-tab-${tab}`} class="policy-panel">
        {tab === "upload" && <UploadAndQueue subscribe={subscribe} onOpen={setOpen} refreshed={refreshed} />}
        {tab === "list" && <PolicyList onOpen={setOpen} refreshed={refreshed} />}
        {tab === "explorer" && (admin ? <Explorer /> : <p>{t.policies.adminsOnly}</p>)}
        {tab === "leaderboard" && (admin ? <Leaderboard /> : <p>{t.policies.adminsOnly}</p>)}
        {open && (tab === "upload" || tab === "list") && (
          <PolicyReview policyId={open} onChanged={reload} onClose={() => setOpen(null)} />
        )}
      </div>
    </section>
  );
}

function UploadAndQueue({
  subscribe,
  onOpen,
  refreshed,
}: {
  subscribe(listener: (event: InboxEvent) => void): () => void;
  onOpen(id: string): void;
  refreshed: number;
}) {
  const [uploads, setUploads] = useState<UploadRow[]>([]);
  const [queue, setQueue] = useState<Policy[]>([]);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Events can beat the upload's own answer: keep the newest state per upload id.
  const latest = useRef(new Map<string, Extract<InboxEvent, { type: "policy.upload" }>["upload"]>());
  const loadQueue = () =>
    api<{ data: Policy[] }>("/api/policies?status=needs_review&limit=100")
      .then((page) => setQueue(page.data))
      .catch((caught: Error) => setError(caught.message));
  useEffect(() => {
    void loadQueue();
  }, [refreshed]);
  useEffect(
    () =>
      subscribe((event) => {
        if (event.type !== "policy.upload") return;
        latest.current.set(event.upload.id, event.upload);
        setUploads((rows) =>
          rows.map((row) => (row.id === event.upload.id ? { ...row, ...event.upload } : row)),
        );
        if (event.upload.state === "needs_review" || event.upload.state === "saved") void loadQueue();
      }),
    [subscribe],
  );
  const send = async (files: File[]) => {
    setError(null);
    const rows = files.map((file, index) => ({
      key: `${Date.now()}-${index}-${file.name}`,
      id: null,
      filename: file.name,
      state: "uploading",
      reason: null,
      policyId: null,
    }));
    setUploads((list) => [...rows, ...list]);
    await Promise.all(
      files.map(async (file, index) => {
        const key = rows[index]?.key;
        const form = new FormData();
        form.set("file", file);
        try {
          const { upload } = await api<{ upload: { id: string } }>("/api/upload/pdf", { form });
          const known = latest.current.get(upload.id);
          setUploads((list) =>
            list.map((row) => (row.key === key ? { ...row, id: upload.id, state: "queued", ...known } : row)),
          );
        } catch (caught) {
          const reason = (caught as Error).message;
          setUploads((list) =>
            list.map((row) => (row.key === key ? { ...row, state: "failed", reason } : row)),
          );
        }
      }),
    );
  };
  const picked = (input: HTMLInputElement) => {
    void send(Array.from(input.files ?? []));
    input.value = "";
  };
  return (
    <div class="policy-upload">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <label
        class={`dropzone${dragging ? " over" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          void send(Array.from(event.dataTransfer?.files ?? []));
        }}
      >
        <strong>{t.policies.drop}</strong>
        <small>{t.policies.dropHint}</small>
        <input
          type="file"
          accept="application/pdf,.pdf"
          multiple
          aria-label={t.policies.chooseFiles}
          onChange={(event) => picked(event.target as HTMLInputElement)}
        />
      </label>
      {uploads.length > 0 && (
        <ul class="plain policy-uploads" aria-label={t.policies.uploads}>
          {uploads.map((row) => (
            <li key={row.key} data-state={row.state}>
              <span class="filename">{row.filename}</span>
              <progress
                max={3}
                value={STEPS[row.state] ?? 3}
                aria-label={t.policies.progress(row.filename)}
              />
              <span class={`badge policy-${row.state}`}>
                {t.policies.uploadState[row.state] ?? row.state}
              </span>
              {row.reason && <span class="error"> {row.reason}</span>}
              {row.policyId && (
                <button type="button" class="link" onClick={() => row.policyId && onOpen(row.policyId)}>
                  {t.policies.open}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>{t.policies.queue}</h3>
      <PolicyTable policies={queue} empty={t.policies.queueEmpty} label={t.policies.queue} onOpen={onOpen} />
    </div>
  );
}

function PolicyList({ onOpen, refreshed }: { onOpen(id: string): void; refreshed: number }) {
  const [policies, setPolicies] = useState<Policy[]>([]);
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    const params = new URLSearchParams({ limit: "100" });
    if (query.trim()) params.set("q", query.trim());
    if (status) params.set("status", status);
    api<{ data: Policy[] }>(`/api/policies?${params}`)
      .then((page) => setPolicies(page.data))
      .catch((caught: Error) => setError(caught.message));
  };
  useEffect(load, [refreshed, status]);
  return (
    <div>
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          load();
        }}
      >
        <label>
          {t.policies.search}
          <input
            type="search"
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          {t.policies.statusLabel}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">{t.policies.any}</option>
            {Object.entries(t.policies.status).map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t.policies.filter}</button>
      </form>
      {error && <p class="error">{error}</p>}
      <PolicyTable
        policies={policies}
        empty={t.policies.noPolicies}
        label={t.policies.tabs.list}
        onOpen={onOpen}
      />
    </div>
  );
}

const cell = (policy: Policy, name: string) => {
  const value = policy.fields[name]?.value;
  return value === null || value === undefined ? "" : String(value);
};

function PolicyTable({
  policies,
  empty,
  label,
  onOpen,
}: {
  policies: Policy[];
  empty: string;
  label: string;
  onOpen(id: string): void;
}) {
  const c = t.policies.columns;
  return (
    <div class="table-scroll">
      <table class="documents policy-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{c.policyNumber}</th>
            <th scope="col">{c.insurer}</th>
            <th scope="col">{c.customer}</th>
            <th scope="col">{c.vehicle}</th>
            <th scope="col">{c.total}</th>
            <th scope="col">{c.status}</th>
            <th scope="col">
              <span class="sr-only">{t.policies.open}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {policies.length === 0 && (
            <tr>
              <td colSpan={7}>{empty}</td>
            </tr>
          )}
          {policies.map((policy) => (
            <tr key={policy.id} data-status={policy.status}>
              <td>{cell(policy, "policyNumber") || t.policies.untitled}</td>
              <td>{cell(policy, "insurer")}</td>
              <td>{cell(policy, "customerName")}</td>
              <td>{cell(policy, "vehicleNumber")}</td>
              <td>{cell(policy, "totalPremium")}</td>
              <td>
                <span class={`badge policy-${policy.status}`}>
                  {t.policies.status[policy.status] ?? policy.status}
                </span>
              </td>
              <td class="row-actions">
                <button type="button" onClick={() => onOpen(policy.id)}>
                  {policy.status === "needs_review" ? t.policies.open : t.policies.view}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
