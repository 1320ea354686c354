import { api } from "../../api";
import { tc } from "../../conversation-strings";
import type { Directory } from "../../directory";
import type { LabelRef } from "../../inbox-state";

interface Props {
  id: string;
  labels: LabelRef[];
  directory: Directory;
  onLabels(labels: LabelRef[]): void;
  onError(message: string): void;
}

/** The conversation's labels: remove one, or add one of the tenant's. */
export function LabelsBar({ id, labels, directory, onLabels, onError }: Props) {
  const change = (labelId: string, on: boolean) =>
    api<{ data: LabelRef[] }>(`/api/conversations/${id}/labels/${labelId}`, {
      method: on ? "POST" : "DELETE",
    })
      .then((r) => onLabels(r.data))
      .catch((e: Error) => onError(e.message));
  const others = directory.labels.filter((label) => !labels.some((l) => l.id === label.id));
  return (
    <fieldset class="labels-bar">
      <legend class="sr-only">{tc.labels}</legend>
      {labels.map((label) => (
        <span class="label-chip" style={{ borderColor: label.color }} key={label.id}>
          {label.name}
          <button
            type="button"
            class="link"
            aria-label={tc.removeLabel(label.name)}
            onClick={() => void change(label.id, false)}
          >
            ×
          </button>
        </span>
      ))}
      {others.length > 0 && (
        <label>
          <span class="sr-only">{tc.addLabel}</span>
          <select
            value=""
            onChange={(e) => {
              const value = e.currentTarget.value;
              e.currentTarget.value = "";
              if (value) void change(value, true);
            }}
          >
            <option value="">{tc.addLabel}</option>
            {others.map((label) => (
              <option value={label.id}>{label.name}</option>
            ))}
          </select>
        </label>
      )}
    </fieldset>
  );
}
