// Teams: create one, its members, round-robin assignment and the per-agent limit of open conversations.
import { useEffect, useState } from "preact/hooks";
import { api, session } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";

interface Team {
  id: string;
  name: string;
  autoAssign: boolean;
  maxOpenPerAgent: number | null;
  members: { userId: string; name: string; email: string }[];
}
interface User {
  id: string;
  name: string;
  email: string;
  status: string;
}

const limitOf = (value: FormDataEntryValue | null) => (value && String(value).trim() ? Number(value) : null);

/** One team: its settings form, members (remove each, add one of the staff), delete. */
function TeamCard({ team, users, act }: { team: Team; users: User[]; act(work: Promise<unknown>): void }) {
  const path = `/api/teams/${team.id}`;
  const others = users.filter(
    (u) => u.status !== "deactivated" && !team.members.some((m) => m.userId === u.id),
  );
  const label = (suffix: string) => `${suffix} (${team.name})`;
  return (
    <li class="card team" aria-label={team.name}>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget as HTMLFormElement);
          const json = {
            name: String(data.get("name")),
            autoAssign: data.get("autoAssign") === "on",
            maxOpenPerAgent: limitOf(data.get("limit")),
          };
          act(api(path, { method: "PUT", json }));
        }}
      >
        <label>
          {t.teams.name}
          <input name="name" type="text" required maxLength={120} defaultValue={team.name} />
        </label>
        <label class="check">
          <input name="autoAssign" type="checkbox" checked={team.autoAssign} /> {t.teams.roundRobin}
        </label>
        <label>
          {t.teams.limit}
          <input name="limit" type="number" min={1} max={1000} defaultValue={team.maxOpenPerAgent ?? ""} />
        </label>
        <button type="submit">{t.teams.save}</button>
        <button
          type="button"
          class="danger"
          onClick={() => confirm(t.teams.confirmRemove(team.name)) && act(api(path, { method: "DELETE" }))}
        >
          {t.teams.remove}
        </button>
      </form>
      <ul class="plain members" aria-label={label(t.teams.members)}>
        {team.members.map((member) => (
          <li key={member.userId}>
            {member.name} <small>{member.email}</small>{" "}
            <button
              type="button"
              class="link"
              onClick={() => act(api(`${path}/members/${member.userId}`, { method: "DELETE" }))}
            >
              {t.teams.removeMember(member.name)}
            </button>
          </li>
        ))}
      </ul>
      {others.length > 0 && (
        <form
          class="inline"
          onSubmit={(event) => {
            event.preventDefault();
            const userId = new FormData(event.currentTarget as HTMLFormElement).get("userId");
            act(api(`${path}/members/${String(userId)}`, { method: "PUT" }));
          }}
        >
          <label>
            {label(t.teams.addMember)}
            <select name="userId">
              {others.map((user) => (
                <option value={user.id}>{user.name || user.email}</option>
              ))}
            </select>
          </label>
          <button type="submit">{t.teams.add}</button>
        </form>
      )}
    </li>
  );
}

/** The tenant's teams (admins manage them). */
export function Teams() {
  const [teams, setTeams] = useState<Team[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const { error, setError, guard } = useError();
  const load = () => guard(api<{ data: Team[] }>("/api/teams")).then((r) => r && setTeams(r.data));
  useEffect(() => {
    void load();
    const tenantId = session()?.tenant.id ?? "";
    void guard(api<{ data: User[] }>(`/api/tenants/${tenantId}/users`)).then((r) => r && setUsers(r.data));
  }, []);
  const act = (work: Promise<unknown>) => {
    setError(null);
    void guard(work).then(load);
  };
  return (
    <section aria-labelledby="teams-title">
      <h3 id="teams-title">{t.teams.title}</h3>
      <ErrorLine error={error} />
      {teams.length ? (
        <ul class="plain">
          {teams.map((team) => (
            <TeamCard key={team.id} team={team} users={users} act={act} />
          ))}
        </ul>
      ) : (
        <p>{t.teams.none}</p>
      )}
      <form
        class="card"
        aria-label={t.teams.create}
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget as HTMLFormElement;
          const data = new FormData(form);
          const json = {
            name: String(data.get("name")),
            autoAssign: data.get("autoAssign") === "on",
            maxOpenPerAgent: limitOf(data.get("limit")),
          };
          act(api("/api/teams", { json }).then(() => form.reset()));
        }}
      >
        <label>
          {t.teams.name}
          <input name="name" type="text" required maxLength={120} />
        </label>
        <label class="check">
          <input name="autoAssign" type="checkbox" /> {t.teams.roundRobin}
        </label>
        <label>
          {t.teams.limit}
          <input name="limit" type="number" min={1} max={1000} />
        </label>
        <button type="submit">{t.teams.create}</button>
      </form>
    </section>
  );
}
