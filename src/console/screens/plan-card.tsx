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

type Edit = { step: number; drop: true } | { step: number; arguments: Record<string, unknown> };

/** What staff changed before approving: dropped steps, and steps whose arguments they rewrote. */
function editsOf(plan: RoomPlan, texts: Map<number, string>, dropped: Set<number>): Edit[] {
  const edits: Edit[] = [];
  for (const step of plan.steps) {
    if (dropped.has(step.index)) {
      edits.push({ step: step.index, drop: true });
      continue;
    }
    const text = texts.get(step.index);
    if (text === undefined) continue;
    const parsed: unknown = JSON.parse(text); // A SyntaxError is the caller's message to show.
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error(t.planArgumentsObject(step.index));
    if (JSON.stringify(parsed) !== JSON.stringify(step.arguments))
      edits.push({ step: step.index, arguments: parsed as Record<string, unknown> });
  }
  return edits;
}

/**
 * A plan waiting for approval: its steps with their arguments and risk. Staff may rewrite a step's
 * arguments or drop it, then approve; or reject with a reason.
 */
export function PlanCard({ plan, onError }: { plan: RoomPlan; onError(message: string): void }) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [texts, setTexts] = useState<Map<number, string>>(new Map());
  const [dropped, setDropped] = useState<Set<number>>(new Set());
  const decide = async (path: "approve" | "reject") => {
    let json: unknown;
    try {
      json = path === "approve" ? { edits: editsOf(plan, texts, dropped) } : reason ? { reason } : {};
    } catch (caught) {
      return onError((caught as Error).message);
    }
    setBusy(true);
    await api(`/api/plans/${plan.id}/${path}`, { json }).catch((caught: Error) => onError(caught.message));
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
            <label>
              {t.planArguments(step.index)}
              <textarea
                class="plan-arguments"
                rows={4}
                value={texts.get(step.index) ?? JSON.stringify(step.arguments, null, 2)}
                onInput={(e) => {
                  const value = e.currentTarget.value;
                  setTexts((map) => new Map(map).set(step.index, value));
                }}
              />
            </label>
            <label class="inline">
              <input
                type="checkbox"
                checked={dropped.has(step.index)}
                onChange={(e) => {
                  const drop = e.currentTarget.checked;
                  setDropped((set) => {
                    const next = new Set(set);
                    if (drop) next.add(step.index);
                    else next.delete(step.index);
                    return next;
                  });
                }}
              />
              {t.planDropStep}
            </label>
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
