import type { z } from "@hono/zod-openapi";
import { useEffect, useRef, useState } from "preact/hooks";
import type { AgentSchema } from "../../features/ai/ai.schemas";
import type { CollectionSchema } from "../../features/knowledge/knowledge.schemas";
import { api } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";
import { BusinessHoursFields, type HoursDraft, hoursBody, hoursDraft } from "./business-hours";

export type Agent = z.infer<typeof AgentSchema>;
type Collection = z.infer<typeof CollectionSchema>;
const PROVIDERS = ["openai", "openrouter", "custom"] as const;

/** The form's editable copy of an agent. */
interface Draft {
  name: string;
  systemPrompt: string;
  greeting: string;
  enabled: boolean;
  provider: "" | (typeof PROVIDERS)[number];
  baseUrl: string;
  model: string;
  temperature: number;
  maxTokens: number;
  collections: string[];
  keywords: string;
  hours: HoursDraft;
}

function draftOf(agent: Agent | null): Draft {
  return {
    name: agent?.name ?? "",
    systemPrompt: agent?.systemPrompt ?? "",
    greeting: agent?.greeting ?? "",
    enabled: agent?.enabled ?? true,
    provider: agent?.model?.provider ?? "",
    baseUrl: agent?.model?.baseUrl ?? "",
    model: agent?.model?.model ?? "",
    temperature: agent?.model?.temperature ?? 0.3,
    maxTokens: agent?.model?.maxTokens ?? 800,
    collections: agent?.collections ?? [],
    keywords: (agent?.handoffRules.keywords ?? []).join(", "),
    hours: hoursDraft(agent?.businessHours),
  };
}

/** The API body of a draft; a day's hours that do not read as ranges are an error to show. */
function bodyOf(d: Draft) {
  const list = (text: string) =>
    text
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean);
  return {
    name: d.name,
    systemPrompt: d.systemPrompt,
    greeting: d.greeting.trim() || null,
    enabled: d.enabled,
    model: d.provider
      ? {
          provider: d.provider,
          model: d.model,
          temperature: d.temperature,
          maxTokens: d.maxTokens,
          ...(d.baseUrl.trim() ? { baseUrl: d.baseUrl.trim() } : {}),
        }
      : null,
    collections: d.collections,
    handoffRules: { keywords: list(d.keywords) },
    businessHours: hoursBody(d.hours),
  };
}

/** Creates or edits an agent: prompt, greeting, model, collections, hand-off words, business hours. */
export function AgentForm({
  agent,
  onSaved,
  onDeleted,
}: {
  agent: Agent | null;
  onSaved(agent: Agent): void;
  onDeleted(): void;
}) {
  const [d, setDraft] = useState<Draft>(() => draftOf(agent));
  const [collections, setCollections] = useState<Collection[]>([]);
  const [saved, setSaved] = useState(false);
  const { error, setError, guard } = useError();
  const name = useRef<HTMLInputElement>(null);
  const set = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft((draft) => ({ ...draft, ...patch }));
  };
  useEffect(() => {
    name.current?.focus();
    void guard(api<{ data: Collection[] }>("/api/knowledge/collections")).then(
      (r) => r && setCollections(r.data),
    );
  }, []);
  // Collections the agent names that no longer exist stay listed (and checked) so a save keeps them.
  const names = [
    ...collections.map((c) => c.name),
    ...d.collections.filter((c) => !collections.some((k) => k.name === c || k.id === c)),
  ];
  const toggle = (value: string, on: boolean) =>
    set({ collections: on ? [...d.collections, value] : d.collections.filter((c) => c !== value) });

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    let body: ReturnType<typeof bodyOf>;
    try {
      body = bodyOf(d);
    } catch (caught) {
      return setError((caught as Error).message);
    }
    const result = await guard(
      agent
        ? api<Agent>(`/api/agents/${agent.id}`, { method: "PUT", json: body })
        : api<Agent>("/api/agents", { json: body }),
    );
    if (!result) return;
    setSaved(true);
    onSaved(result);
  };
  const remove = async () => {
    if (!agent || !confirm(t.agents.confirmDelete(agent.name))) return;
    if ((await guard(api(`/api/agents/${agent.id}`, { method: "DELETE" }).then(() => true))) !== null)
      onDeleted();
  };
  const text = (key: "name" | "model" | "baseUrl" | "keywords") => ({
    value: d[key],
    onInput: (e: Event) => set({ [key]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <form class="agent-form" onSubmit={save} aria-label={agent ? t.agents.edit(agent.name) : t.agents.create}>
      <ErrorLine error={error} />
      {saved && (
        <p class="notice" role="status">
          {t.agents.saved}
        </p>
      )}
      <label>
        {t.name}
        <input ref={name} type="text" required maxLength={120} {...text("name")} />
      </label>
      <label class="inline">
        <input
          type="checkbox"
          checked={d.enabled}
          onChange={(e) => set({ enabled: e.currentTarget.checked })}
        />
        {t.agents.enabled}
      </label>
      <label>
        {t.agents.prompt}
        <textarea
          rows={6}
          maxLength={20_000}
          value={d.systemPrompt}
          onInput={(e) => set({ systemPrompt: e.currentTarget.value })}
        />
      </label>
      <label>
        {t.agents.greeting}
        <textarea
          rows={2}
          maxLength={2000}
          value={d.greeting}
          onInput={(e) => set({ greeting: e.currentTarget.value })}
        />
      </label>
      <fieldset>
        <legend>{t.agents.model}</legend>
        <label>
          {t.agents.provider}
          <select
            value={d.provider}
            onChange={(e) => set({ provider: e.currentTarget.value as Draft["provider"] })}
          >
            <option value="">{t.agents.tenantDefault}</option>
            {PROVIDERS.map((p) => (
              <option value={p}>{t.agents.providers[p]}</option>
            ))}
          </select>
        </label>
        <p class="hint">{t.agents.providerKey}</p>
        {d.provider && (
          <>
            <label>
              {t.agents.modelName}
              <input type="text" required placeholder="gpt-4o-mini" {...text("model")} />
            </label>
            <label>
              {t.agents.baseUrl}
              <input
                type="url"
                required={d.provider === "custom"}
                placeholder="http://localhost:11434/v1"
                {...text("baseUrl")}
              />
            </label>
            <label>
              {t.agents.temperature}
              <input
                type="number"
                min={0}
                max={2}
                step={0.1}
                value={d.temperature}
                onInput={(e) => set({ temperature: e.currentTarget.valueAsNumber })}
              />
            </label>
            <label>
              {t.agents.maxTokens}
              <input
                type="number"
                min={1}
                max={32000}
                value={d.maxTokens}
                onInput={(e) => set({ maxTokens: e.currentTarget.valueAsNumber })}
              />
            </label>
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>{t.agents.collections}</legend>
        {names.length === 0 && <p class="hint">{t.agents.noCollections}</p>}
        {names.map((n) => {
          const id = collections.find((c) => c.name === n)?.id;
          const on = d.collections.includes(n) || (id !== undefined && d.collections.includes(id));
          return (
            <label class="inline">
              <input type="checkbox" checked={on} onChange={(e) => toggle(n, e.currentTarget.checked)} />
              {n}
            </label>
          );
        })}
        <p class="hint">{t.agents.collectionsHint}</p>
      </fieldset>
      <label>
        {t.agents.keywords}
        <input type="text" placeholder={t.agents.keywordsPlaceholder} {...text("keywords")} />
      </label>
      <BusinessHoursFields draft={d.hours} onChange={(hours) => set({ hours })} />
      <div class="row-actions start">
        <button type="submit">{agent ? t.agents.save : t.agents.create}</button>
        {agent && (
          <button type="button" class="danger" onClick={() => void remove()}>
            {t.delete}
          </button>
        )}
      </div>
    </form>
  );
}
