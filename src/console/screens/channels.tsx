import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";
import { ChannelCard } from "./channel-card";
import { type Channel, type ChannelType, ConfigFields, configOf, TYPES } from "./channel-fields";
import { WidgetKeys } from "./widget-keys";

interface AgentName {
  id: string;
  name: string;
}

/** Connects a channel: its type's own fields (secrets typed in, never shown again) and the agent that answers. */
function Connect({ agents, onConnected }: { agents: AgentName[]; onConnected(): void }) {
  const [type, setType] = useState<ChannelType>("telegram");
  const [busy, setBusy] = useState(false);
  const { error, setError, guard } = useError();
  const name = useRef<HTMLInputElement>(null);
  const agent = useRef<HTMLSelectElement>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const form = event.currentTarget as HTMLFormElement;
    const body = {
      type,
      name: name.current?.value.trim(),
      agentId: agent.current?.value || null,
      config: configOf(form),
    };
    const created = await guard(api<Channel>("/api/channels", { json: body }));
    setBusy(false);
    if (!created) return;
    form.reset();
    onConnected();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="connect-title">
      <h4 id="connect-title" class="card-title">
        {t.channels.connect}
      </h4>
      <label>
        {t.channels.type}
        <select value={type} onChange={(e) => setType(e.currentTarget.value as ChannelType)}>
          {TYPES.map((ty) => (
            <option value={ty}>{t.channels.types[ty]}</option>
          ))}
        </select>
      </label>
      <label>
        {t.name}
        <input ref={name} type="text" required maxLength={120} />
      </label>
      <ConfigFields type={type} idPrefix="connect" />
      <label>
        {t.channels.agent}
        <select ref={agent}>
          <option value="">{t.channels.staffOnly}</option>
          {agents.map((a) => (
            <option value={a.id}>{a.name}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        {t.channels.connectButton}
      </button>
      <ErrorLine error={error} />
    </form>
  );
}

/** Messaging channels (connect, paste the webhook, test, delete) and the website widget's keys. */
export default function Channels() {
  const [channels, setChannels] = useState<Channel[]>([]);
  const [agents, setAgents] = useState<AgentName[]>([]);
  const { error, guard } = useError();
  const load = () => guard(api<{ data: Channel[] }>("/api/channels")).then((r) => r && setChannels(r.data));
  useEffect(() => {
    void load();
    void guard(api<{ data: AgentName[] }>("/api/agents")).then((r) => r && setAgents(r.data));
    document.getElementById("channels-title")?.focus();
  }, []);
  return (
    <section class="page" aria-labelledby="channels-title">
      <h2 id="channels-title" class="page-title" tabIndex={-1}>
        {t.channels.title}
      </h2>
      <section aria-labelledby="channel-list-title">
        <h3 id="channel-list-title">{t.channels.channels}</h3>
        <ErrorLine error={error} />
        {channels.length === 0 && <p class="hint">{t.channels.none}</p>}
        <ul class="plain channels" aria-label={t.channels.channels}>
          {channels.map((channel) => (
            <ChannelCard key={channel.id} channel={channel} onChanged={load} />
          ))}
        </ul>
        <Connect agents={agents} onConnected={load} />
      </section>
      <WidgetKeys agents={agents} />
    </section>
  );
}
