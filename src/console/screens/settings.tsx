import { useEffect, useRef, useState } from "preact/hooks";
import { api, session } from "../api";
import { t } from "../strings";
import { ErrorLine, SecretOnce, useError, useKeys } from "../ui";
import { SettingsTabs } from "./settings-tabs";

interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
}
interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: string;
  revokedAt: string | null;
}
/** Users and invitations: invite by email, change a role, deactivate or reactivate. */
function Team({ tenantId }: { tenantId: string }) {
  const [users, setUsers] = useState<User[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const { error, guard } = useError();
  const email = useRef<HTMLInputElement>(null);
  const name = useRef<HTMLInputElement>(null);
  const role = useRef<HTMLSelectElement>(null);
  const load = () =>
    guard(api<{ data: User[] }>(`/api/tenants/${tenantId}/users`)).then((r) => r && setUsers(r.data));
  useEffect(() => void load(), []);
  const invite = async (event: Event) => {
    event.preventDefault();
    const body = { email: email.current?.value, name: name.current?.value, role: role.current?.value };
    const user = await guard(api<User>(`/api/tenants/${tenantId}/users`, { json: body }));
    if (!user) return;
    setNotice(t.invited(user.email));
    (event.target as HTMLFormElement).reset();
    void load();
  };
  const update = async (user: User, patch: Partial<User>) => {
    await guard(api(`/api/tenants/${tenantId}/users/${user.id}`, { method: "PATCH", json: patch }));
    void load();
  };
  const me = session()?.user.id;
  return (
    <section aria-labelledby="team-title">
      <h3 id="team-title">{t.team}</h3>
      <ErrorLine error={error} />
      {notice && <p class="notice">{notice}</p>}
      <table class="documents" aria-label={t.team}>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>
                {user.name} <small>{user.email}</small>
              </td>
              <td>{t.userStatus[user.status] ?? user.status}</td>
              <td>
                <label>
                  <span class="sr-only">
                    {t.role} {user.email}
                  </span>
                  <select
                    value={user.role}
                    disabled={user.id === me}
                    onChange={(e) => void update(user, { role: e.currentTarget.value })}
                  >
                    <option value="TENANT_ADMIN">{t.roles.TENANT_ADMIN}</option>
                    <option value="TENANT_USER">{t.roles.TENANT_USER}</option>
                  </select>
                </label>
              </td>
              <td class="row-actions">
                {user.id !== me && user.status !== "invited" && (
                  <button
                    type="button"
                    class={user.status === "active" ? "danger" : ""}
                    onClick={() =>
                      void update(user, { status: user.status === "active" ? "deactivated" : "active" })
                    }
                  >
                    {user.status === "active" ? t.deactivate : t.reactivate}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card" onSubmit={invite} aria-label={t.inviteColleague}>
        <label>
          {t.email}
          <input ref={email} type="email" required />
        </label>
        <label>
          {t.name}
          <input ref={name} type="text" required />
        </label>
        <label>
          {t.role}
          <select ref={role}>
            <option value="TENANT_USER">{t.roles.TENANT_USER}</option>
            <option value="TENANT_ADMIN">{t.roles.TENANT_ADMIN}</option>
          </select>
        </label>
        <button type="submit">{t.invite}</button>
      </form>
    </section>
  );
}

/** API keys: create (the secret shown once), list by prefix, revoke. */
function ApiKeys() {
  const { keys, secret, error, create, revoke } = useKeys<ApiKey & { key?: string }>("/api/api-keys");
  const name = useRef<HTMLInputElement>(null);
  return (
    <section aria-labelledby="keys-title">
      <h3 id="keys-title">{t.apiKeys}</h3>
      <ErrorLine error={error} />
      <SecretOnce label={t.secretOnce} secret={secret} />
      <ul class="plain">
        {keys.map((key) => (
          <li key={key.id}>
            <strong>{key.name}</strong> <code>{key.prefix}…</code> {t.roles[key.role]}{" "}
            {key.revokedAt ? (
              <span class="badge">{t.revoked}</span>
            ) : (
              <button type="button" class="danger" onClick={() => revoke(key.id)}>
                {t.revoke}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        class="card"
        onSubmit={(e) => create(e, { name: name.current?.value }, (created) => created.key ?? "")}
      >
        <label>
          {t.keyName}
          <input ref={name} type="text" required />
        </label>
        <button type="submit">{t.createKey}</button>
      </form>
    </section>
  );
}

/** Team and settings, in tabs (widget keys are under Channels and widget; admins; an agent sees the API refuse and says so). */
export default function Settings() {
  const tenantId = session()?.tenant.id ?? "";
  return (
    <section class="page" aria-labelledby="settings-title">
      <h2 id="settings-title" class="page-title">
        {t.settings}
      </h2>
      <SettingsTabs
        general={
          <>
            <Team tenantId={tenantId} />
            <ApiKeys />
          </>
        }
      />
    </section>
  );
}
