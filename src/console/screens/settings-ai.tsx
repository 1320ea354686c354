// AI settings and budget: the provider key (write-only), the default model, the default system prompt
// and the monthly token budget, with this month's use beside it.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";

interface AiConfig {
  providerApiKeySet: boolean;
  defaultModel: {
    provider: string;
    baseUrl?: string;
    model: string;
    temperature?: number;
    maxTokens?: number;
  } | null;
  defaultSystemPrompt: string;
  monthlyTokenBudget: number | null;
}

/** This month's first day and today, as local dates (the analytics report's from/to). */
function thisMonth() {
  const today = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const month = `${today.getFullYear()}-${pad(today.getMonth() + 1)}`;
  return { from: `${month}-01`, to: `${month}-${pad(today.getDate())}` };
}

/**
 * This month's tokens against the budget, read again after each save (`version`). Its own state: an
 * answer arriving while someone types in the form must not re-render the form, whose inputs would
 * take back their stored values.
 */
function MonthUsage({ budget, version }: { budget: number | null; version: number }) {
  const [used, setUsed] = useState<number | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const { from, to } = thisMonth();
    api<{ totals: Record<string, number | null> }>(`/api/analytics/ai?from=${from}&to=${to}`).then(
      (r) => {
        setUsed(r.totals.ai_tokens ?? 0);
        setFailed(null);
      },
      (caught: Error) => setFailed(caught.message),
    );
  }, [version]);
  if (failed) return <p class="error">{t.aiSettings.usedFailed(failed)}</p>;
  return used === null ? null : <p>{t.aiSettings.used(used, budget)}</p>;
}

/** The tenant's AI defaults (admins). */
export function AiSettings() {
  const [config, setConfig] = useState<AiConfig | null>(null);
  const [saves, setSaves] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const { error, setError, guard } = useError();
  const load = () => guard(api<AiConfig>("/api/ai/config")).then((r) => r && setConfig(r));
  useEffect(() => {
    void load();
  }, []);
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? "").trim();
    const key = field("providerApiKey");
    const model = field("model");
    const json = {
      ...(key ? { providerApiKey: key } : data.get("removeKey") === "on" ? { providerApiKey: null } : {}),
      // Temperature and token limit are kept: the form does not show them.
      defaultModel: model
        ? {
            ...(config?.defaultModel?.temperature === undefined
              ? {}
              : { temperature: config.defaultModel.temperature }),
            ...(config?.defaultModel?.maxTokens === undefined
              ? {}
              : { maxTokens: config.defaultModel.maxTokens }),
            provider: field("provider"),
            model,
            ...(field("baseUrl") ? { baseUrl: field("baseUrl") } : {}),
          }
        : null,
      defaultSystemPrompt: String(data.get("systemPrompt") ?? ""),
      monthlyTokenBudget: field("budget") ? Number(field("budget")) : null,
    };
    const saved = await guard(api<AiConfig>("/api/ai/config", { method: "PUT", json }));
    if (saved) setNotice(t.aiSettings.saved);
    setSaves((n) => n + 1);
    void load();
  };
  if (!config)
    return (
      <section aria-labelledby="ai-title">
        <h3 id="ai-title">{t.aiSettings.title}</h3>
        <ErrorLine error={error} />
      </section>
    );
  const model = config.defaultModel;
  return (
    <section aria-labelledby="ai-title">
      <h3 id="ai-title">{t.aiSettings.title}</h3>
      <ErrorLine error={error} />
      {notice && <p class="notice">{notice}</p>}
      <p>{config.providerApiKeySet ? t.aiSettings.keySet : t.aiSettings.keyUnset}</p>
      <MonthUsage budget={config.monthlyTokenBudget} version={saves} />
      <form class="card" aria-label={t.aiSettings.title} onSubmit={(e) => void save(e)}>
        <label>
          {t.aiSettings.providerKey}
          <input name="providerApiKey" type="password" autoComplete="off" />
        </label>
        {config.providerApiKeySet && (
          <label class="check">
            <input name="removeKey" type="checkbox" /> {t.aiSettings.removeKey}
          </label>
        )}
        <label>
          {t.aiSettings.provider}
          <select name="provider" value={model?.provider ?? "openai"}>
            <option value="openai">OpenAI</option>
            <option value="openrouter">OpenRouter</option>
            <option value="custom">{t.aiSettings.custom}</option>
          </select>
        </label>
        <label>
          {t.aiSettings.baseUrl}
          <input name="baseUrl" type="url" defaultValue={model?.baseUrl ?? ""} />
        </label>
        <label>
          {t.aiSettings.model}
          <input name="model" type="text" maxLength={200} defaultValue={model?.model ?? ""} />
        </label>
        <label>
          {t.aiSettings.budget}
          <input name="budget" type="number" min={1} defaultValue={config.monthlyTokenBudget ?? ""} />
        </label>
        <label class="wide">
          {t.aiSettings.systemPrompt}
          <textarea
            name="systemPrompt"
            rows={3}
            maxLength={20_000}
            defaultValue={config.defaultSystemPrompt}
          />
        </label>
        <button type="submit">{t.aiSettings.save}</button>
      </form>
    </section>
  );
}
