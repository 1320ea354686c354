// The workspace: its name (PUT /api/tenants/:id) and business hours (GET/PUT
// /api/analytics/business-hours: time zone, opening spans per weekday, holidays).
import { useEffect, useState } from "preact/hooks";
import { api, session } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Day = (typeof DAYS)[number];
interface Hours {
  configured: boolean;
  timezone: string;
  weekly: Partial<Record<Day, [string, string][]>>;
  holidays: string[];
}

const spansText = (spans: [string, string][] | undefined) => (spans ?? []).map((s) => s.join("-")).join(", ");
/** "09:00-12:00, 13:00-17:00" → [["09:00","12:00"],["13:00","17:00"]] (the API checks each time). */
const spansOf = (text: string) =>
  text
    .split(",")
    .map((span) => span.trim())
    .filter(Boolean)
    .map((span) => span.split("-").map((time) => time.trim()) as [string, string]);

/** Workspace name and business hours (admins). */
export function TenantSettings() {
  const tenantId = session()?.tenant.id ?? "";
  const [name, setName] = useState<string | null>(null);
  const [hours, setHours] = useState<Hours | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { error, setError, guard } = useError();
  useEffect(() => {
    void guard(api<{ name: string }>(`/api/tenants/${tenantId}`)).then((r) => r && setName(r.name));
    void guard(api<Hours>("/api/analytics/business-hours")).then((r) => r && setHours(r));
  }, []);
  const submit = (work: (data: FormData) => Promise<unknown>, done: string) => async (event: Event) => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    if ((await guard(work(new FormData(event.currentTarget as HTMLFormElement)).then(() => true))) !== null)
      setNotice(done);
  };
  const saveName = submit(async (data) => {
    const saved = await api<{ name: string }>(`/api/tenants/${tenantId}`, {
      method: "PUT",
      json: { name: String(data.get("name")) },
    });
    setName(saved.name);
  }, t.tenantSettings.saved);
  const saveHours = submit(async (data) => {
    const weekly: Hours["weekly"] = {};
    for (const day of DAYS) {
      const spans = spansOf(String(data.get(day) ?? ""));
      if (spans.length) weekly[day] = spans;
    }
    const holidays = String(data.get("holidays") ?? "")
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean);
    setHours(
      await api<Hours>("/api/analytics/business-hours", {
        method: "PUT",
        json: { timezone: String(data.get("timezone")), weekly, holidays },
      }),
    );
  }, t.tenantSettings.hoursSaved);
  return (
    <section aria-labelledby="tenant-title">
      <h3 id="tenant-title">{t.tenantSettings.title}</h3>
      <ErrorLine error={error} />
      {notice && <p class="notice">{notice}</p>}
      {name !== null && (
        <form class="card" aria-label={t.tenantSettings.name} onSubmit={(e) => void saveName(e)}>
          <label>
            {t.tenantSettings.name}
            <input name="name" type="text" required maxLength={120} defaultValue={name} />
          </label>
          <button type="submit">{t.tenantSettings.save}</button>
        </form>
      )}
      {hours && (
        <form class="card hours" aria-label={t.tenantSettings.hours} onSubmit={(e) => void saveHours(e)}>
          <h4>{t.tenantSettings.hours}</h4>
          <p class="hint">{t.tenantSettings.hoursHint}</p>
          <label>
            {t.tenantSettings.timezone}
            <input
              name="timezone"
              type="text"
              required
              defaultValue={
                hours.configured ? hours.timezone : Intl.DateTimeFormat().resolvedOptions().timeZone
              }
            />
          </label>
          {DAYS.map((day) => (
            <label key={day}>
              {t.tenantSettings.days[day]}
              <input
                name={day}
                type="text"
                placeholder="09:00-17:00"
                defaultValue={spansText(hours.weekly[day])}
              />
            </label>
          ))}
          <label class="wide">
            {t.tenantSettings.holidays}
            <input name="holidays" type="text" defaultValue={hours.holidays.join(", ")} />
          </label>
          <button type="submit">{t.tenantSettings.saveHours}</button>
        </form>
      )}
    </section>
  );
}
