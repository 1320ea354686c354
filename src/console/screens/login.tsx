import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, signIn } from "../api";
import { t } from "../strings";

/** Email and password; the session starts in an HttpOnly cookie (see api.ts). */
export function Login({ notice }: { notice: string | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const email = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  // `autofocus` only works on a page's first load, not on a form a script renders: focus it here.
  useEffect(() => email.current?.focus(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.current?.value ?? "", password.current?.value ?? "");
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t.error);
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t.appName}</h1>
        {notice && <p class="notice">{notice}</p>}
        <label>
          {t.email}
          <input ref={email} type="email" name="email" autocomplete="username" required autofocus />
        </label>
        <label>
          {t.password}
          <input ref={password} type="password" name="password" autocomplete="current-password" required />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </main>
  );
}
