import { useEffect, useState } from "preact/hooks";
import { FIELD_KINDS, FIELD_NAMES } from "../../features/policies/policy-fields";
import { api } from "../api";
import { t } from "../strings";
import { PolicyPdf } from "./policy-pdf";

/** A field as the API shows it: its value with where it came from and how sure the reading is. */
export interface PolicyField {
  value: unknown;
  confidence: number;
  source: string;
  page: number | null;
}
export interface Policy {
  id: string;
  status: string;
  source: string;
  uploadId: string | null;
  fields: Record<string, PolicyField>;
  issues: Array<{ field: string; code: string; message: string }>;
}

// A required field under this confidence sends a record to review (REVIEW_THRESHOLD on the server).
const LOW = 0.8;
const kindOf = (name: string) => FIELD_KINDS[name as keyof typeof FIELD_KINDS];
const shown = (value: unknown) => (value === null || value === undefined ? "" : String(value));

/** The typed value the API takes for what was typed (money in rupees); null clears the field. */
function parsed(name: string, typed: string): unknown {
  const raw = typed.trim();
  if (!raw) return null;
  const kind = kindOf(name);
  if (kind === "money" || kind === "integer") {
    const number = Number(raw.replace(/[₹,\s]/g, ""));
    return Number.isFinite(number) ? number : raw;
  }
  return raw;
}

/** The fields a reviewer sees: every field the record has, and those its issues name. */
function reviewedNames(policy: Policy): string[] {
  const named = new Set([...Object.keys(policy.fields), ...policy.issues.map((issue) => issue.field)]);
  return FIELD_NAMES.filter((name) => named.has(name));
}

/**
 * One record beside its PDF: each field with its confidence, source and page (a click shows that
 * page), low-confidence fields marked; edit, then save and confirm (or reject).
 */
export function PolicyReview({
  policyId,
  onChanged,
  onClose,
}: {
  policyId: string;
  onChanged(policy: Policy): void;
  onClose(): void;
}) {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const load = async () => {
    const loaded = await api<Policy>(`/api/policies/${policyId}`);
    setPolicy(loaded);
    setTyped(Object.fromEntries(Object.entries(loaded.fields).map(([name, f]) => [name, shown(f.value)])));
    return loaded;
  };
  useEffect(() => {
    setConfirmed(false);
    setPage(1);
    load().catch((caught: Error) => setError(caught.message));
  }, [policyId]);
  if (!policy) return error ? <p class="error">{error}</p> : null;

  const reviewing = policy.status === "needs_review";
  const names = reviewedNames(policy);
  const act = async (action: "save" | "confirm" | "reject") => {
    setBusy(true);
    setError(null);
    try {
      const changed: Record<string, unknown> = {};
      for (const name of names) {
        if (kindOf(name) === "members") continue;
        const before = shown(policy.fields[name]?.value);
        const now = typed[name] ?? "";
        if (now.trim() !== before) changed[name] = parsed(name, now);
      }
      if (action !== "reject" && Object.keys(changed).length > 0)
        await api(`/api/policies/${policy.id}`, { method: "PUT", json: { fields: changed } });
      if (action !== "save") await api(`/api/policies/${policy.id}/${action}`, { json: {} });
      const next = await load();
      setConfirmed(action === "confirm");
      onChanged(next);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const title = t.policies.review(shown(policy.fields.policyNumber?.value) || t.policies.untitled);

  return (
    <section class="policy-review" aria-labelledby="policy-review-title">
      <header>
        <h3 id="policy-review-title">{title}</h3>
        <span class={`badge policy-${policy.status}`}>
          {t.policies.statusLabel}: {t.policies.status[policy.status] ?? policy.status}
        </span>
        <button type="button" class="link" onClick={onClose}>
          {t.policies.close}
        </button>
      </header>
      {confirmed && (
        <p class="notice" role="status">
          {t.policies.confirmed}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="policy-review-body">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void act(reviewing ? "confirm" : "save");
          }}
        >
          {policy.issues.length > 0 && (
            <ul class="policy-issues" aria-label={t.policies.issues}>
              {policy.issues.map((issue) => (
                <li key={`${issue.field}-${issue.code}`}>{issue.message}</li>
              ))}
            </ul>
          )}
          <div class="table-scroll">
            <table class="policy-fields">
              <thead>
                <tr>
                  <th scope="col">{t.policies.field}</th>
                  <th scope="col">{t.policies.value}</th>
                  <th scope="col">{t.policies.confidence}</th>
                  <th scope="col">{t.policies.source}</th>
                  <th scope="col">{t.policies.page}</th>
                </tr>
              </thead>
              <tbody>
                {names.map((name) => {
                  const field = policy.fields[name];
                  const low = !field || field.confidence < LOW;
                  const id = `policy-field-${name}`;
                  const kind = kindOf(name);
                  return (
                    <tr key={name} class={low ? "low" : undefined} data-field={name}>
                      <th scope="row">
                        <label for={id}>{t.policies.fields[name] ?? name}</label>
                        {low && (
                          <span class="sr-only" id={`${id}-low`}>
                            {" "}
                            ({t.policies.lowConfidence})
                          </span>
                        )}
                      </th>
                      <td>
                        {kind === "members" ? (
                          <span id={id}>{JSON.stringify(field?.value ?? [])}</span>
                        ) : (
                          <input
                            id={id}
                            type="text"
                            placeholder={kind === "date" ? "YYYY-MM-DD" : undefined}
                            inputMode={kind === "money" || kind === "integer" ? "decimal" : undefined}
                            value={typed[name] ?? ""}
                            aria-invalid={low ? "true" : undefined}
                            aria-describedby={low ? `${id}-low` : undefined}
                            onInput={(event) => {
                              const value = (event.target as HTMLInputElement).value;
                              setTyped((all) => ({ ...all, [name]: value }));
                            }}
                          />
                        )}
                      </td>
                      <td>{field ? `${Math.round(field.confidence * 100)}%` : t.policies.missing}</td>
                      <td>{field ? (t.policies.sources[field.source] ?? field.source) : ""}</td>
                      <td>
                        {field?.page ? (
                          <button
                            type="button"
                            class="link"
                            aria-label={t.policies.showPage(field.page)}
                            onClick={() => setPage(field.page ?? 1)}
                          >
                            {field.page}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div class="row-actions">
            <button type="submit" disabled={busy}>
              {reviewing ? t.policies.saveConfirm : t.policies.saveOnly}
            </button>
            {reviewing && (
              <button type="button" class="danger" disabled={busy} onClick={() => void act("reject")}>
                {t.policies.reject}
              </button>
            )}
          </div>
        </form>
        {policy.uploadId && <PolicyPdf policyId={policy.id} page={page} onPage={setPage} />}
      </div>
    </section>
  );
}
