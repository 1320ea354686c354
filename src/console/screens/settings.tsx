import { useEffect, useRef, useState } from "preact/hooks";
import { api, session } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "./section-kit";
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
interface WidgetKey {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
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

/**
 * A list of secret-bearing keys at `path`: loaded on mount, created with a body whose answer carries
 * the secret (shown once, then only the list), revoked by id.
 */
function useKeys<Key extends { id: string }>(path: string) {
  const [keys, setKeys] = useState<Key[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const { error, guard } = useError();
  const load = () => guard(api<{ data: Key[] }>(path)).then((r) => r && setKeys(r.data));
  useEffect(() => void load(), []);
  const create = async (event: Event, body: unknown, secretOf: (created: Key) => string) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const created = await guard(api<Key>(path, { json: body }));
    if (!created) return;
    setSecret(secretOf(created));
    form.reset();
    void load();
  };
  const revoke = (id: string) => void guard(api(`${path}/${id}`, { method: "DELETE" })).then(load);
  return { keys, secret, error, create, revoke };
}

/** A secret the API shows once, with what it is. */
function SecretOnce({ label, secret }: { label: string; secret: string | null }) {
  return secret ? (
    <p class="notice">
      {label} <code class="secret">{secret}</code>
    </p>
  ) : null;
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

/** Widget keys: create for a list of origins, with the snippet to paste and the identity secret once. */
function WidgetKeys() {
  const { keys, secret, error, create, revoke } = useKeys<WidgetKey & { identitySecret?: string }>(
    "/api/widget-keys",
  );
  const name = useRef<HTMLInputElement>(null);
  const origins = useRef<HTMLInputElement>(null);
  const body = () => ({
    name: name.current?.value,
    allowedOrigins: (origins.current?.value ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  });
  const snippet = (key: WidgetKey) =>
    `<script src="${location.origin}/widget.js" data-widget-key="${key.publicKey}" async></script>`;
  return (
    <section aria-labelledby="widget-title">
      <h3 id="widget-title">{t.widgetKeys}</h3>
      <ErrorLine error={error} />
      <SecretOnce label={t.identitySecretOnce} secret={secret} />
      <ul class="plain">
        {keys
          .filter((key) => !key.revokedAt)
          .map((key) => (
            <li key={key.id}>
              <strong>{key.name}</strong> <small>{key.allowedOrigins.join(", ")}</small>
              <p>{t.snippet}</p>
              <pre class="snippet">{snippet(key)}</pre>
              <button type="button" class="danger" onClick={() => revoke(key.id)}>
                {t.revoke}
              </button>
            </li>
          ))}
      </ul>
      <form class="card" onSubmit={(e) => create(e, body(), (created) => created.identitySecret ?? "")}>
        <label>
          {t.name}
          <input ref={name} type="text" required />
        </label>
        <label>
          {t.allowedOrigins}
          <input ref={origins} type="text" required placeholder="https://www.example.com" />
        </label>
        <button type="submit">{t.createWidgetKey}</button>
      </form>
    </section>
  );
}

/** Team and settings, in tabs (admins; an agent sees the API refuse and says so). */
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
            <WidgetKeys />
          </>
        }
      />
    </section>
  );
}
