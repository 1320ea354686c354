// The pages emailed links open (/app/accept-invite, /app/reset-password): read the token from the
// URL, send the new password to the API, and say in the page what happened.
import { useRef, useState } from "preact/hooks";
import { tc } from "../conversation-strings";
import { navigate } from "../router";
import { t } from "../strings";

export interface AccountProps {
  kind: "invite" | "reset";
}

interface ErrorBody {
  error?: { message?: string; details?: { message?: string }[] };
}

function explain(status: number, body: ErrorBody | null): string {
  const message = body?.error?.message;
  const detail = body?.error?.details?.[0]?.message;
  if (status === 410 && message) return tc.askNewLink(message);
  if (status === 429) return tc.tooMany;
  if (status === 400 && detail) return tc.notAccepted(detail);
  return message ?? `${t.error} (HTTP ${status}).`;
}

/** Accept an invitation (name, password) or reset a password, from the token in the link. */
export default function Account({ kind }: AccountProps) {
  const invite = kind === "invite";
  const token = new URLSearchParams(location.search).get("token") ?? "";
  const [error, setError] = useState(token ? "" : tc.noToken);
  const [status, setStatus] = useState("");
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<"password" | "confirm" | null>(null);
  const regions = { error: useRef<HTMLDivElement>(null), status: useRef<HTMLDivElement>(null) };
  const fields = { password: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };
  const name = useRef<HTMLInputElement>(null);
  const say = (which: "error" | "status", text: string, focus: boolean) => {
    setError(which === "error" ? text : "");
    setStatus(which === "status" ? text : "");
    if (focus) setTimeout(() => regions[which].current?.focus());
  };
  const refuse = (field: "password" | "confirm", text: string) => {
    setInvalid(field);
    say("error", text, false);
    fields[field].current?.focus();
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const password = fields.password.current?.value ?? "";
    if (password.length < 10) return refuse("password", tc.tooShort);
    if (fields.confirm.current?.value !== password) return refuse("confirm", tc.differ);
    const body: Record<string, string> = { token, password };
    if (invite && name.current?.value.trim()) body.name = name.current.value.trim();
    setBusy(true);
    say("status", tc.saving, false);
    try {
      const response = await fetch(invite ? "/api/auth/accept-invite" : "/api/auth/reset", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        setDone(true);
        return say("status", invite ? tc.joined : tc.resetDone, true);
      }
      say(
        "error",
        explain(response.status, (await response.json().catch(() => null)) as ErrorBody | null),
        true,
      );
    } catch {
      say("error", tc.unreachable, true);
    }
    setBusy(false);
  };
  const field = (id: "password" | "confirm", label: string) => (
    <>
      <label for={id}>{label}</label>
      <input
        id={id}
        ref={fields[id]}
        type="password"
        autocomplete="new-password"
        required
        maxLength={200}
        aria-invalid={invalid === id ? "true" : undefined}
        aria-describedby={id === "password" ? "password-hint" : undefined}
        onInput={() => invalid === id && setInvalid(null)}
      />
    </>
  );
  return (
    <main class="account">
      <h1>{invite ? tc.joinTitle : tc.resetTitle}</h1>
      <p>{invite ? tc.joinIntro : tc.resetIntro}</p>
      <div id="error" ref={regions.error} role="alert" tabIndex={-1}>
        {error}
      </div>
      <div id="status" ref={regions.status} role="status" tabIndex={-1}>
        {status}
      </div>
      {done ? (
        <a
          href="/app/"
          onClick={(e) => {
            e.preventDefault();
            navigate("/");
          }}
        >
          {tc.goToSignIn}
        </a>
      ) : (
        <form onSubmit={submit}>
          {invite && (
            <>
              <label for="name">
                {tc.yourName} <span class="optional">{tc.optional}</span>
              </label>
              <input id="name" ref={name} autocomplete="name" maxLength={120} />
            </>
          )}
          {field("password", invite ? t.password : tc.newPassword)}
          <p id="password-hint" class="hint">
            {tc.passwordHint}
          </p>
          {field("confirm", invite ? tc.repeatPassword : tc.repeatNewPassword)}
          <button type="submit" disabled={busy || !token}>
            {invite ? tc.joinButton : tc.resetButton}
          </button>
        </form>
      )}
    </main>
  );
}
