// Outbound webhooks: URL and events, the signing secret shown once, enable/disable, and each one's
// delivery log (event, status, response code, attempts) with a retry.
import { useEffect, useState } from "preact/hooks";
import type { WebhookEventType } from "../../db/schema/webhooks";
import { api } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";

const EVENTS = [
  "conversation.created",
  "conversation.status_changed",
  "message.created",
  "note.created",
  "contact.created",
  "plan.pending",
  "plan.executed",
  "csat.received",
  "policy.saved",
  "document.ready",
] as const satisfies WebhookEventType[];
// Fails the type check when the server gains an event type this list lacks.
const complete: Exclude<WebhookEventType, (typeof EVENTS)[number]> extends never ? true : never = true;
void complete;
interface Webhook {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
}
interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

/** A webhook's delivery log, newest first, with a retry for each delivery. */
function Deliveries({ webhook }: { webhook: Webhook }) {
  const [rows, setRows] = useState<Delivery[] | null>(null);
  const { error, guard } = useError();
  const path = `/api/webhooks/${webhook.id}/deliveries`;
  const load = () => guard(api<{ data: Delivery[] }>(path)).then((r) => r && setRows(r.data));
  useEffect(() => void load(), []);
  const caption = `${t.webhooks.deliveries}: ${webhook.url}`;
  return (
    <div class="deliveries">
      <ErrorLine error={error} />
      <button type="button" class="secondary" onClick={() => void load()}>
        {t.webhooks.refresh}
      </button>
      {rows && !rows.length && <p>{t.webhooks.noDeliveries}</p>}
      {!!rows?.length && (
        <table class="documents" aria-label={caption}>
          <thead>
            <tr>
              <th scope="col">{t.webhooks.event}</th>
              <th scope="col">{t.webhooks.status}</th>
              <th scope="col">{t.webhooks.code}</th>
              <th scope="col">{t.webhooks.attempts}</th>
              <th scope="col">{t.webhooks.when}</th>
              <th scope="col">
                <span class="sr-only">{t.webhooks.redeliver}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{row.eventType}</td>
                <td>{t.webhooks.deliveryStatus[row.status] ?? row.status}</td>
                <td title={row.lastError ?? undefined}>{row.responseStatus ?? row.lastError ?? "–"}</td>
                <td>{row.attempts}</td>
                <td>{new Date(row.createdAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    class="link"
                    onClick={() =>
                      void guard(api(`${path}/${row.id}/redeliver`, { method: "POST" })).then(load)
                    }
                  >
                    {t.webhooks.redeliver}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The tenant's outbound webhooks (admins). */
export function Webhooks() {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const { error, setError, guard } = useError();
  const load = () => guard(api<{ data: Webhook[] }>("/api/webhooks")).then((r) => r && setHooks(r.data));
  useEffect(() => void load(), []);
  const act = (work: Promise<unknown>) => {
    setError(null);
    void guard(work).then(load);
  };
  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const description = String(data.get("description") ?? "").trim();
    const json = {
      url: String(data.get("url")),
      events: data.getAll("events").map(String),
      ...(description ? { description } : {}),
    };
    const created = await guard(api<Webhook & { secret: string }>("/api/webhooks", { json }));
    if (!created) return;
    setSecret(created.secret);
    form.reset();
    void load();
  };
  return (
    <section aria-labelledby="webhooks-title">
      <h3 id="webhooks-title">{t.webhooks.title}</h3>
      <ErrorLine error={error} />
      {secret && (
        <p class="notice">
          {t.webhooks.secretOnce} <code class="secret">{secret}</code>
        </p>
      )}
      {!hooks.length && <p>{t.webhooks.none}</p>}
      <ul class="plain">
        {hooks.map((hook) => (
          <li key={hook.id} class="card webhook" aria-label={hook.url}>
            <strong>{hook.url}</strong> <small>{hook.description}</small>
            <span class="badge">{hook.enabled ? t.webhooks.enabled : t.webhooks.disabled}</span>
            <small>{hook.events.join(", ")}</small>
            <button
              type="button"
              class="secondary"
              onClick={() =>
                act(api(`/api/webhooks/${hook.id}`, { method: "PUT", json: { enabled: !hook.enabled } }))
              }
            >
              {hook.enabled ? t.webhooks.disable : t.webhooks.enable}
            </button>
            <button
              type="button"
              class="secondary"
              aria-expanded={open === hook.id}
              onClick={() => setOpen(open === hook.id ? null : hook.id)}
            >
              {t.webhooks.showDeliveries}
            </button>
            <button
              type="button"
              class="danger"
              onClick={() =>
                confirm(t.webhooks.confirmRemove(hook.url)) &&
                act(api(`/api/webhooks/${hook.id}`, { method: "DELETE" }))
              }
            >
              {t.webhooks.remove}
            </button>
            {open === hook.id && <Deliveries webhook={hook} />}
          </li>
        ))}
      </ul>
      <form class="card" aria-label={t.webhooks.create} onSubmit={(e) => void create(e)}>
        <label>
          {t.webhooks.url}
          <input name="url" type="url" required placeholder="https://example.com/hooks" />
        </label>
        <label>
          {t.webhooks.description}
          <input name="description" type="text" maxLength={200} />
        </label>
        <fieldset class="events">
          <legend>{t.webhooks.events}</legend>
          {EVENTS.map((name) => (
            <label class="check" key={name}>
              <input type="checkbox" name="events" value={name} /> {name}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t.webhooks.create}</button>
      </form>
    </section>
  );
}
