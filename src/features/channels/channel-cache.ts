// Webhooks arrive in bursts for the same few channels: each would otherwise cost a Postgres round
// trip and two decryptions before its 200. A short-lived copy of the opened channel serves the burst.
// Only plain data is kept (never a connection); a change made through this isolate drops its copy at
// once, other isolates see it within TTL_MS (a regenerated secret, say).
const TTL_MS = 10_000;
const MAX_ENTRIES = 1000;
const cache = new Map<string, { opened: unknown; at: number }>();

/** The opened channel `id`, from a recent copy or `load` (Postgres and the secret box). */
export async function cachedChannel<T>(id: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.opened as T;
  const opened = await load();
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value ?? "");
  cache.set(id, { opened, at: Date.now() });
  return opened;
}

/** Drops this isolate's copy after the channel changed (update, regenerate, delete, health). */
export function forgetChannel(id: string): void {
  cache.delete(id);
}
