import { useState } from "preact/hooks";
import { api } from "../api";
import { t } from "../strings";

/** A plan as the room's frames show it (planFrame on the server). */
export interface RoomPlan {
  id: string;
  status: string;
  summary: string;
  request: string;
  expiresAt: string;
  steps: {
    index: number;
    operation: string;
    method: string;
    path: string;
    why: string;
    risk: string;
    arguments: unknown;
    status: string;
  }[];
}

/** A plan waiting for approval: its steps with their arguments and risk; approve, or reject with a reason. */
export function PlanCard({ plan, onError }: { plan: RoomPlan; onError(message: string): void }) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const decide = async (path: "approve" | "reject") => {
    setBusy(true);
    await api(`/api/plans/${plan.id}/${path}`, {
      json: path === "approve" ? {} : reason ? { reason } : {},
    }).catch((caught: Error) => onError(caught.message));
    setBusy(false);
  };
  return (
    <article class="plan" aria-label={t.planWaiting}>
      <h3>{t.planWaiting}</h3>
      <p>{plan.summary || plan.request}</p>
      <ol>
        {plan.steps.map((step) => (
          <li key={step.index} class={`risk-${step.risk}`}>
            <strong>
              {step.method} {step.path}
            </strong>{" "}
            <span class="badge">{step.risk}</span>
            <p>{step.why}</p>
            <pre>{JSON.stringify(step.arguments, null, 2)}</pre>
          </li>
        ))}
      </ol>
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => decide("approve")}>
          {t.approve}
        </button>
        <label>
          <span class="sr-only">{t.rejectReason}</span>
          <input
            placeholder={t.rejectReason}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        <button type="button" class="danger" disabled={busy} onClick={() => decide("reject")}>
          {t.reject}
        </button>
      </div>
    </article>
  );
}
