import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";
import { AgentActions } from "./agent-actions";
import { type Agent, AgentForm } from "./agent-form";
import { AgentTest } from "./agent-test";

/** The tenant's agents beside the one being edited (its settings, actions and a test chat). */
export default function Agents() {
  const [agents, setAgents] = useState<Agent[]>([]);
  // null: none open; "new": the create form; otherwise the id of the agent being edited.
  const [open, setOpen] = useState<string | null>(null);
  const { error, guard } = useError();
  const load = () => guard(api<{ data: Agent[] }>("/api/agents")).then((r) => r && setAgents(r.data));
  useEffect(() => {
    void load();
    document.getElementById("agents-title")?.focus();
  }, []);
  const agent = agents.find((a) => a.id === open) ?? null;
  const saved = (next: Agent) => {
    setAgents((list) => [...list.filter((a) => a.id !== next.id), next]);
    setOpen(next.id);
  };

  return (
    <section class="page agents" aria-labelledby="agents-title">
      <h2 id="agents-title" class="page-title" tabIndex={-1}>
        {t.agents.title}
      </h2>
      <ErrorLine error={error} />
      <div class={`split${open ? " has-open" : ""}`}>
        <nav aria-label={t.agents.list} class="side-list">
          <button type="button" onClick={() => setOpen("new")} aria-pressed={open === "new"}>
            {t.agents.new}
          </button>
          {agents.length === 0 && <p class="hint">{t.agents.none}</p>}
          <ul class="plain">
            {agents.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  class="link"
                  aria-current={a.id === open ? "true" : undefined}
                  onClick={() => setOpen(a.id)}
                >
                  {a.name}
                </button>{" "}
                {!a.enabled && <span class="badge">{t.agents.disabled}</span>}
              </li>
            ))}
          </ul>
        </nav>
        {open && (
          <div class="detail">
            <button type="button" class="link back-list" onClick={() => setOpen(null)}>
              {t.agents.backToList}
            </button>
            <h3>{agent ? agent.name : t.agents.new}</h3>
            <AgentForm
              key={open}
              agent={agent}
              onSaved={saved}
              onDeleted={() => {
                setOpen(null);
                void load();
              }}
            />
            {agent && <AgentActions key={`actions-${agent.id}`} agentId={agent.id} />}
            {agent && <AgentTest key={`test-${agent.id}`} agentId={agent.id} />}
          </div>
        )}
      </div>
    </section>
  );
}
