import type { z } from "@hono/zod-openapi";
import type { BusinessHoursSchema } from "../../features/ai/ai.schemas";
import { t } from "../strings";

type Hours = z.infer<typeof BusinessHoursSchema>;
type Day = keyof Hours["weekly"];

/** Business hours as the form edits them: on or off, a time zone, one "09:00-12:00, 13:00-17:00" per day. */
export interface HoursDraft {
  on: boolean;
  timezone: string;
  days: Record<Day, string>;
}

const DAYS: Day[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const RANGE = /^([01]\d|2[0-3]):[0-5]\d\s*[-–]\s*([01]\d|2[0-3]):[0-5]\d$/;

/** The form's copy of an agent's hours (none: off, in the browser's time zone). */
export function hoursDraft(hours: Hours | null | undefined): HoursDraft {
  const days = Object.fromEntries(
    DAYS.map((day) => [day, (hours?.weekly[day] ?? []).map(([from, to]) => `${from}-${to}`).join(", ")]),
  ) as Record<Day, string>;
  return {
    on: Boolean(hours),
    timezone: hours?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    days,
  };
}

/** The API's business hours; throws the message to show when a day does not read as ranges. */
export function hoursBody(draft: HoursDraft): Hours | null {
  if (!draft.on) return null;
  const weekly: Hours["weekly"] = {};
  for (const day of DAYS) {
    const ranges = draft.days[day]
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean);
    if (ranges.some((r) => !RANGE.test(r))) throw new Error(t.agents.badHours(t.agents.days[day] ?? day));
    if (ranges.length) weekly[day] = ranges.map((r) => r.split(/\s*[-–]\s*/) as [string, string]);
  }
  return { timezone: draft.timezone, weekly };
}

/** The business-hours fieldset: a switch, the time zone and each day's ranges. */
export function BusinessHoursFields({
  draft,
  onChange,
}: {
  draft: HoursDraft;
  onChange(draft: HoursDraft): void;
}) {
  return (
    <fieldset>
      <legend>{t.agents.hours}</legend>
      <label class="inline">
        <input
          type="checkbox"
          checked={draft.on}
          onChange={(e) => onChange({ ...draft, on: e.currentTarget.checked })}
        />
        {t.agents.hoursOn}
      </label>
      {draft.on && (
        <div class="hours">
          <label>
            {t.agents.timezone}
            <input
              type="text"
              required
              value={draft.timezone}
              onInput={(e) => onChange({ ...draft, timezone: e.currentTarget.value })}
            />
          </label>
          {DAYS.map((day) => (
            <label key={day}>
              {t.agents.days[day]}
              <input
                type="text"
                placeholder="09:00-17:00"
                value={draft.days[day]}
                onInput={(e) => onChange({ ...draft, days: { ...draft.days, [day]: e.currentTarget.value } })}
              />
            </label>
          ))}
          <p class="hint">{t.agents.hoursHint}</p>
        </div>
      )}
    </fieldset>
  );
}
