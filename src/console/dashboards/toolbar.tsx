// Choosing, creating, renaming and deleting dashboards, and the period their data covers.
import { useState } from "preact/hooks";
import { t } from "../strings";
import type { DashboardInfo, Data } from "./types";

export interface Period {
  from: string;
  to: string;
  tz: string;
}

interface Props {
  list: DashboardInfo[];
  current: DashboardInfo | null;
  manage: boolean;
  onPick(id: string): void;
  onCreate(title: string): void;
  onRename(title: string): void;
  onDelete(): void;
}

/** The dashboard picker with new / rename / delete. */
export function DashboardBar({ list, current, manage, onPick, onCreate, onRename, onDelete }: Props) {
  const [renaming, setRenaming] = useState(false);
  const submit = (then: (title: string) => void) => (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const title = (new FormData(form).get("title") as string | null)?.trim();
    if (title) then(title);
    form.reset();
    setRenaming(false);
  };
  return (
    <div class="card dash-bar">
      {list.length ? (
        <label>
          {t.dashboards.pick}
          <select value={current?.id} onChange={(e) => onPick(e.currentTarget.value)}>
            {list.map((d) => (
              <option value={d.id}>{d.title}</option>
            ))}
          </select>
        </label>
      ) : (
        <p>{t.dashboards.none}</p>
      )}
      {current &&
        manage &&
        (renaming ? (
          <form onSubmit={submit(onRename)} class="inline">
            <label>
              {t.dashboards.renameTo}
              <input name="title" type="text" required maxLength={200} value={current.title} />
            </label>
            <button type="submit">{t.dashboards.save}</button>
          </form>
        ) : (
          <>
            <button type="button" class="secondary" onClick={() => setRenaming(true)}>
              {t.dashboards.rename}
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => confirm(t.dashboards.confirmRemove(current.title)) && onDelete()}
            >
              {t.dashboards.remove}
            </button>
          </>
        ))}
      {manage && (
        <form onSubmit={submit(onCreate)} class="inline">
          <label>
            {t.dashboards.newTitle}
            <input name="title" type="text" required maxLength={200} />
          </label>
          <button type="submit">{t.dashboards.create}</button>
        </form>
      )}
    </div>
  );
}

/** From/to dates and the time zone; submitting reloads the data for them. */
export function PeriodPicker({
  range,
  onApply,
}: {
  range: Data["range"] | undefined;
  onApply(p: Period): void;
}) {
  return (
    <form
      class="card period"
      aria-label={t.dashboards.period}
      key={range ? `${range.from}${range.to}${range.tz}` : "none"}
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget as HTMLFormElement);
        onApply({ from: String(data.get("from")), to: String(data.get("to")), tz: String(data.get("tz")) });
      }}
    >
      <label>
        {t.dashboards.from}
        <input name="from" type="date" required value={range?.from.slice(0, 10)} />
      </label>
      <label>
        {t.dashboards.to}
        <input name="to" type="date" required value={range?.to.slice(0, 10)} />
      </label>
      <label>
        {t.dashboards.tz}
        <input name="tz" type="text" required list="time-zones" value={range?.tz} />
      </label>
      <datalist id="time-zones">
        {Intl.supportedValuesOf("timeZone").map((zone) => (
          <option value={zone} />
        ))}
      </datalist>
      <button type="submit">{t.dashboards.apply}</button>
    </form>
  );
}
