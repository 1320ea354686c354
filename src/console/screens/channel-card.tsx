import type { z } from "@hono/zod-openapi";
import { useEffect, useState } from "preact/hooks";
import type { TestResultSchema, WebhookSchema } from "../../features/channels/channels.schemas";
import { ApiError, api } from "../api";
import { t } from "../strings";
import { CopyButton, ErrorLine, useError } from "../ui";
import { type Channel, ConfigFields, ConfigSummary, configOf } from "./channel-fields";

type Webhook = z.infer<typeof WebhookSchema>;
type Checklist = z.infer<typeof TestResultSchema>;

/** A value to paste into the platform's console, with its copy button. */
function Pasteable({ label, value }: { label: string; value: string }) {
  return (
    <div class="pasteable">
      <span>{label}</span>
      <code>{value}</code>
      <CopyButton value={value} label={label} />
    </div>
  );
}

/** A checklist item's detail as short "key: value" pairs. */
const detailText = (detail: Record<string, unknown>) =>
  Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");

/**
 * One channel: its status (a refused token says to re-enter the credentials), config with secrets as
 * "configured", the webhook URL and verify token to paste (copy, regenerate), the test checklist, delete.
 */
export function ChannelCard({ channel, onChanged }: { channel: Channel; onChanged(): void }) {
  const [webhook, setWebhook] = useState<Webhook | null>(null);
  const [checks, setChecks] = useState<Checklist | null>(null);
  const [openConversations, setOpenConversations] = useState<string | null>(null);
  const [reauth, setReauth] = useState(false);
  const [busy, setBusy] = useState(false);
  const { error, setError, guard } = useError();
  const path = `/api/channels/${channel.id}`;
  useEffect(() => void guard(api<Webhook>(`${path}/webhook`)).then((w) => w && setWebhook(w)), [channel.id]);
  const status = channel.status;

  const runTest = async () => {
    setBusy(true);
    setError(null);
    const result = await guard(api<Checklist>(`${path}/test`, { json: {} }));
    setBusy(false);
    if (result) setChecks(result);
    if (result && result.status !== channel.status) onChanged();
  };
  const regenerate = async () => {
    if (!confirm(t.channels.confirmRegenerate)) return;
    const next = await guard(api<Webhook>(`${path}/webhook/regenerate`, { json: {} }));
    if (next) setWebhook(next);
  };
  const remove = async (force: boolean) => {
    if (!force && !confirm(t.channels.confirmDelete(channel.name))) return;
    setError(null);
    try {
      await api(`${path}${force ? "?force=true" : ""}`, { method: "DELETE" });
      onChanged();
    } catch (caught) {
      // Open conversations block a plain delete: say so and offer the forced one.
      if (caught instanceof ApiError && caught.status === 409) setOpenConversations(caught.message);
      else setError((caught as Error).message);
    }
  };
  const recredential = async (event: Event) => {
    event.preventDefault();
    const config = configOf(event.currentTarget as HTMLFormElement);
    if (await guard(api<Channel>(path, { method: "PUT", json: { config } }))) {
      setReauth(false);
      setChecks(null);
      onChanged();
    }
  };
  const setEnabled = (on: boolean) =>
    void guard(api(path, { method: "PUT", json: { status: on ? "active" : "disabled" } })).then(onChanged);

  return (
    <li class="channel" aria-labelledby={`channel-${channel.id}`} data-status={status}>
      <h4 id={`channel-${channel.id}`}>
        {channel.name} <span class="badge">{t.channels.types[channel.type]}</span>{" "}
        <span class={`badge status-${status}`}>{t.channels.status[status] ?? status}</span>
      </h4>
      {status === "reauth_required" && (
        <p class="warning" role="alert">
          {t.channels.reauthRequired}{" "}
          <button type="button" class="link" onClick={() => setReauth(true)}>
            {t.channels.reenter}
          </button>
        </p>
      )}
      <ErrorLine error={error} />
      <ConfigSummary channel={channel} />
      {reauth && (
        <form class="card" onSubmit={recredential} aria-label={t.channels.reenter}>
          <ConfigFields type={channel.type} idPrefix={`re-${channel.id}`} />
          <button type="submit">{t.channels.saveCredentials}</button>
        </form>
      )}
      {webhook && (
        <fieldset class="webhook">
          <legend>{t.channels.webhook}</legend>
          <Pasteable label={t.channels.webhookUrl} value={webhook.url} />
          {webhook.verifyToken && <Pasteable label={t.channels.verifyToken} value={webhook.verifyToken} />}
          <p class="hint">{channel.type === "telegram" ? t.channels.telegramHint : t.channels.metaHint}</p>
        </fieldset>
      )}
      {checks && (
        <ul class="checklist" aria-label={t.channels.checklist}>
          {checks.checks.map((check) => (
            <li key={check.name} class={check.ok ? "ok" : "failed"}>
              <span aria-hidden="true">{check.ok ? "✓" : "✗"}</span>{" "}
              <strong>{t.channels.checks[check.name]}</strong>:{" "}
              {check.ok ? t.channels.passed : t.channels.failed}
              <small> {detailText(check.detail)}</small>
            </li>
          ))}
        </ul>
      )}
      {openConversations && (
        <p class="warning" role="alert">
          {openConversations}{" "}
          <button type="button" class="danger" onClick={() => void remove(true)}>
            {t.channels.deleteAnyway}
          </button>
        </p>
      )}
      <div class="row-actions start">
        <button type="button" onClick={() => void runTest()} disabled={busy}>
          {busy ? t.channels.testing : t.channels.test}
        </button>
        <button type="button" onClick={() => void regenerate()}>
          {t.channels.regenerate}
        </button>
        <button type="button" onClick={() => setReauth(!reauth)} aria-expanded={reauth}>
          {t.channels.reenter}
        </button>
        <button type="button" onClick={() => setEnabled(channel.status === "disabled")}>
          {channel.status === "disabled" ? t.channels.enable : t.channels.disable}
        </button>
        <button type="button" class="danger" onClick={() => void remove(false)}>
          {t.delete}
        </button>
      </div>
    </li>
  );
}
