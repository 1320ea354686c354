// Small pieces several screens share: a section's error line, a copy button, a secret shown once, and
// a list of secret-bearing keys.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api";
import { t } from "./strings";

/** What a failed call says, shown in the section that made it. */
export function useError() {
  const [error, setError] = useState<string | null>(null);
  const guard = <T,>(promise: Promise<T>) =>
    promise.catch((caught: Error) => {
      setError(caught.message);
      return null;
    });
  return { error, setError, guard };
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A button that copies `value` and says so (for the screen reader too). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    // The clipboard API needs a secure context; on plain http the value is selectable text anyway.
    await navigator.clipboard?.writeText(value).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <button type="button" class="copy" onClick={() => void copy()} aria-label={`${t.channels.copy} ${label}`}>
      <span aria-live="polite">{copied ? t.channels.copied : t.channels.copy}</span>
    </button>
  );
}

/**
 * A list of secret-bearing keys at `path`: loaded on mount, created with a body whose answer carries
 * the secret (shown once, then only the list), revoked by id.
 */
export function useKeys<Key extends { id: string }>(path: string) {
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
  return { keys, secret, error, create, revoke, load, guard };
}

/** A secret the API shows once, with what it is. */
export function SecretOnce({ label, secret }: { label: string; secret: string | null }) {
  return secret ? (
    <p class="notice">
      {label} <code class="secret">{secret}</code>
    </p>
  ) : null;
}
