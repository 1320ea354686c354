import type { z } from "@hono/zod-openapi";
import { useRef, useState } from "preact/hooks";
import type { WidgetKeySchema } from "../../features/widget/widget.schemas";
import { api } from "../api";
import { t } from "../strings";
import { CopyButton, ErrorLine, SecretOnce, useError, useKeys } from "../ui";

type WidgetKey = z.infer<typeof WidgetKeySchema>;
type Theme = NonNullable<WidgetKey["settings"]["theme"]>;
interface AgentName {
  id: string;
  name: string;
}

const DEFAULT_COLOR = "#2557d6";
const originsOf = (value: string) =>
  value
    .split(/[\s,]+/)
    .map((o) => o.trim())
    .filter(Boolean);

/** The widget's launcher and panel header as the real widget draws them, in the chosen theme. */
function ThemePreview({ theme, title }: { theme: Theme; title: string }) {
  const color = theme.color ?? DEFAULT_COLOR;
  return (
    <figure class={`widget-preview${theme.position === "left" ? " left" : ""}`}>
      <figcaption>{t.channels.preview}</figcaption>
      <div class="preview-panel" aria-hidden="true">
        <div class="preview-header" style={{ background: color }}>
          {title}
        </div>
        <div class="preview-body">{t.channels.previewMessage}</div>
      </div>
      <div class="preview-bubble" aria-hidden="true" style={{ background: color }}>
        {theme.launcherText || "💬"}
      </div>
    </figure>
  );
}

/** One key: the snippet to copy, its allowed origins and theme (edited with a live preview), revoke. */
function WidgetKeyCard({
  widgetKey,
  agents,
  onChanged,
  onRevoke,
}: {
  widgetKey: WidgetKey;
  agents: AgentName[];
  onChanged(): void;
  onRevoke(): void;
}) {
  const settings = widgetKey.settings;
  const [theme, setTheme] = useState<Theme>(settings.theme ?? {});
  const [title, setTitle] = useState(settings.title ?? "");
  const [origins, setOrigins] = useState(widgetKey.allowedOrigins.join(", "));
  const [agentId, setAgentId] = useState(widgetKey.agentId ?? "");
  const [saved, setSaved] = useState(false);
  const { error, setError, guard } = useError();
  const snippet = `<script src="${location.origin}/widget.js" data-widget-key="${widgetKey.publicKey}" async></script>`;
  const id = widgetKey.id;
  const change = (patch: Partial<Theme>) => {
    setSaved(false);
    setTheme((current) => ({ ...current, ...patch }));
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const body = {
      allowedOrigins: originsOf(origins),
      agentId: agentId || null,
      settings: {
        ...settings,
        ...(title.trim() ? { title: title.trim() } : { title: undefined }),
        theme: { ...theme, launcherText: theme.launcherText?.trim() || undefined },
      },
    };
    if (await guard(api(`/api/widget-keys/${id}`, { method: "PUT", json: body }))) {
      setSaved(true);
      onChanged();
    }
  };
  return (
    <li class="widget-key" aria-labelledby={`wk-${id}`}>
      <h4 id={`wk-${id}`}>{widgetKey.name}</h4>
      <p>{t.snippet}</p>
      <div class="pasteable">
        <pre class="snippet">{snippet}</pre>
        <CopyButton value={snippet} label={t.channels.snippetLabel(widgetKey.name)} />
      </div>
      <ErrorLine error={error} />
      {saved && (
        <p class="notice" role="status">
          {t.agents.saved}
        </p>
      )}
      <div class="widget-edit">
        <form class="card" onSubmit={save} aria-label={t.channels.widgetSettings(widgetKey.name)}>
          <label class="grow">
            {t.allowedOrigins}
            <input type="text" required value={origins} onInput={(e) => setOrigins(e.currentTarget.value)} />
          </label>
          <label>
            {t.channels.agent}
            <select value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
              <option value="">{t.channels.defaultAssistant}</option>
              {agents.map((a) => (
                <option value={a.id}>{a.name}</option>
              ))}
            </select>
          </label>
          <label>
            {t.channels.widgetTitle}
            <input
              type="text"
              maxLength={80}
              value={title}
              placeholder={t.channels.widgetTitleDefault}
              onInput={(e) => {
                setSaved(false);
                setTitle(e.currentTarget.value);
              }}
            />
          </label>
          <label>
            {t.channels.color}
            <input
              type="color"
              value={theme.color ?? DEFAULT_COLOR}
              onInput={(e) => change({ color: e.currentTarget.value })}
            />
          </label>
          <label>
            {t.channels.position}
            <select
              value={theme.position ?? "right"}
              onChange={(e) => change({ position: e.currentTarget.value as "left" | "right" })}
            >
              <option value="right">{t.channels.right}</option>
              <option value="left">{t.channels.left}</option>
            </select>
          </label>
          <label>
            {t.channels.launcherText}
            <input
              type="text"
              maxLength={40}
              value={theme.launcherText ?? ""}
              onInput={(e) => change({ launcherText: e.currentTarget.value })}
            />
          </label>
          <button type="submit">{t.agents.save}</button>
        </form>
        <ThemePreview theme={theme} title={title.trim() || t.channels.widgetTitleDefault} />
      </div>
      <button type="button" class="danger" onClick={onRevoke}>
        {t.revoke} <span class="sr-only">{widgetKey.name}</span>
      </button>
    </li>
  );
}

/** Widget keys: create for a list of origins (the identity secret shown once), edit, revoke. */
export function WidgetKeys({ agents }: { agents: AgentName[] }) {
  const { keys, secret, error, create, revoke, load } = useKeys<WidgetKey & { identitySecret?: string }>(
    "/api/widget-keys",
  );
  const name = useRef<HTMLInputElement>(null);
  const origins = useRef<HTMLInputElement>(null);
  const body = () => ({ name: name.current?.value, allowedOrigins: originsOf(origins.current?.value ?? "") });
  return (
    <section aria-labelledby="widget-title">
      <h3 id="widget-title">{t.widgetKeys}</h3>
      <ErrorLine error={error} />
      <SecretOnce label={t.identitySecretOnce} secret={secret} />
      <ul class="plain" aria-label={t.widgetKeys}>
        {keys
          .filter((key) => !key.revokedAt)
          .map((key) => (
            <WidgetKeyCard
              key={key.id}
              widgetKey={key}
              agents={agents}
              onChanged={load}
              onRevoke={() => revoke(key.id)}
            />
          ))}
      </ul>
      <form
        class="card"
        onSubmit={(e) => create(e, body(), (created) => created.identitySecret ?? "")}
        aria-labelledby="create-widget-title"
      >
        <h4 id="create-widget-title" class="card-title">
          {t.createWidgetKey}
        </h4>
        <label>
          {t.name}
          <input ref={name} type="text" required />
        </label>
        <label class="grow">
          {t.allowedOrigins}
          <input ref={origins} type="text" required placeholder="https://www.example.com" />
        </label>
        <button type="submit">{t.createWidgetKey}</button>
      </form>
    </section>
  );
}
