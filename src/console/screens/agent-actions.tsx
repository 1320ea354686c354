import type { z } from "@hono/zod-openapi";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ActionSchema } from "../../features/actions/actions.schemas";
import { api } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";

type Action = z.infer<typeof ActionSchema>;

/** An agent's actions: imported from an OpenAPI document (JSON), listed with their operations, removed. */
export function AgentActions({ agentId }: { agentId: string }) {
  const [actions, setActions] = useState<Action[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const { error, setError, guard } = useError();
  const file = useRef<HTMLInputElement>(null);
  const pasted = useRef<HTMLTextAreaElement>(null);
  const name = useRef<HTMLInputElement>(null);
  const baseUrl = useRef<HTMLInputElement>(null);
  const token = useRef<HTMLInputElement>(null);
  const path = `/api/agents/${agentId}/actions`;
  const load = () => guard(api<{ data: Action[] }>(path)).then((r) => r && setActions(r.data));
  useEffect(() => void load(), [agentId]);

  const importDocument = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const source = file.current?.files?.[0]
      ? await file.current.files[0].text()
      : (pasted.current?.value ?? "");
    let document: unknown;
    try {
      document = JSON.parse(source);
    } catch {
      return setError(t.agents.notJson);
    }
    const optional = (input: HTMLInputElement | null) => input?.value.trim() || undefined;
    const action = await guard(
      api<Action>(`${path}/import`, {
        json: {
          document,
          name: optional(name.current),
          baseUrl: optional(baseUrl.current),
          token: optional(token.current),
        },
      }),
    );
    if (!action) return;
    setNotice(t.agents.imported(action.name, action.operations.length));
    (event.target as HTMLFormElement).reset();
    void load();
  };
  const remove = async (action: Action) => {
    if (!confirm(t.agents.confirmRemoveAction(action.name))) return;
    await guard(api(`${path}/${action.id}`, { method: "DELETE" }));
    void load();
  };

  return (
    <section aria-labelledby="actions-title">
      <h3 id="actions-title">{t.agents.actions}</h3>
      <ErrorLine error={error} />
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {actions.length === 0 && <p class="hint">{t.agents.noActions}</p>}
      <ul class="plain" aria-label={t.agents.actions}>
        {actions.map((action) => (
          <li key={action.id} class="action">
            <strong>{action.name}</strong> <code>{action.baseUrl}</code>{" "}
            {action.tokenSet && <span class="badge">{t.channels.configured}</span>}
            <button type="button" class="danger" onClick={() => void remove(action)}>
              {t.agents.removeAction}
              <span class="sr-only"> {action.name}</span>
            </button>
            <ul>
              {action.operations.map((op) => (
                <li key={op.name}>
                  <code>
                    {op.method} {op.path}
                  </code>{" "}
                  {op.name} <span class="badge">{t.agents.risk[op.risk] ?? op.risk}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <form class="card" onSubmit={importDocument} aria-labelledby="import-title">
        <h4 id="import-title" class="card-title">
          {t.agents.importTitle}
        </h4>
        <label>
          {t.agents.openApiFile}
          <input ref={file} type="file" accept=".json,application/json" />
        </label>
        <label class="grow">
          {t.agents.openApiPaste}
          <textarea ref={pasted} rows={3} />
        </label>
        <label>
          {t.agents.actionName}
          <input ref={name} type="text" maxLength={120} />
        </label>
        <label>
          {t.agents.actionBaseUrl}
          <input ref={baseUrl} type="url" />
        </label>
        <label>
          {t.agents.actionToken}
          <input ref={token} type="password" autoComplete="off" />
        </label>
        <button type="submit">{t.agents.importButton}</button>
      </form>
    </section>
  );
}
