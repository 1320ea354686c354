// The console's only door to the API: an access token kept in memory, a refresh token the page never
// sees (HttpOnly cookie on /api/auth/session), one refresh at a time, and a signal when the session ends.

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: string;
}
export interface SessionInfo {
  accessToken: string;
  expiresIn: number;
  user: SessionUser;
  tenant: { id: string; name: string };
}

/** An API error with the standard envelope's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SESSION = "/api/auth/session";
const CSRF = { "X-Switchboard-Session": "1" };
let current: SessionInfo | null = null;
let refreshing: Promise<SessionInfo | null> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
type Listener = (session: SessionInfo | null, expired: boolean) => void;
const listeners = new Set<Listener>();

/** Calls `listener` whenever the session starts, refreshes or ends (`expired`: ended by the server). */
export function onSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setSession(next: SessionInfo | null, byServer = true) {
  const expired = byServer && current !== null && next === null;
  current = next;
  clearTimeout(refreshTimer);
  // Refresh a minute before the access token runs out, so a live screen never sees a 401.
  if (next) refreshTimer = setTimeout(() => void refresh(), Math.max(5, next.expiresIn - 60) * 1000);
  for (const listener of listeners) listener(next, expired);
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string };
  } | null;
  return new ApiError(
    response.status,
    body?.error?.code ?? "error",
    body?.error?.message ?? response.statusText,
  );
}

export async function signIn(email: string, password: string): Promise<SessionInfo> {
  const response = await fetch(SESSION, {
    method: "POST",
    headers: { "content-type": "application/json", ...CSRF },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw await errorOf(response);
  const session = (await response.json()) as SessionInfo;
  setSession(session);
  return session;
}

/** Rotates the cookie for a new access token; null (and signed out) when the session is gone. */
export function refresh(): Promise<SessionInfo | null> {
  refreshing ??= (async () => {
    try {
      const response = await fetch(`${SESSION}/refresh`, { method: "POST", headers: CSRF });
      const session = response.ok ? ((await response.json()) as SessionInfo) : null;
      setSession(session);
      return session;
    } catch {
      return current;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signOut(): Promise<void> {
  await fetch(SESSION, { method: "DELETE", headers: CSRF }).catch(() => undefined);
  setSession(null, false);
}

export function session(): SessionInfo | null {
  return current;
}

/** A call to the API with the access token (a JSON, multipart or raw body); one refresh and retry on a 401. */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; form?: FormData; raw?: Blob } = {},
): Promise<T> {
  const response = await authorized(path, init);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** A file from the API (an attachment, a PDF, a CSV export), fetched with the access token. */
export async function apiBlob(path: string): Promise<Blob> {
  return (await authorized(path, {})).blob();
}

async function authorized(
  path: string,
  init: { method?: string; json?: unknown; form?: FormData; raw?: Blob },
): Promise<Response> {
  const body = init.form ?? init.raw ?? (init.json === undefined ? undefined : JSON.stringify(init.json));
  const send = (token: string | undefined) =>
    fetch(path, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.json === undefined ? {} : { "content-type": "application/json" }),
        ...(init.raw ? { "content-type": "application/octet-stream" } : {}),
      },
      ...(body === undefined ? {} : { body }),
    });
  let response = await send(current?.accessToken);
  if (response.status === 401 && (await refresh())) response = await send(current?.accessToken);
  if (response.status === 401) setSession(null);
  if (!response.ok) throw await errorOf(response);
  return response;
}
