// Webhooks arrive in bursts for the same few channels: each would otherwise cost a Postgres round
// trip (a new connection, SCRAM, a query) and two decryptions before its 200. A short-lived copy of
// the opened channel serves the burst. Only plain data is kept (never a connection or a promise of
// another request); a change made through this isolate drops its copy at once, other isolates see
// it within FRESH_MS plus one refresh (a regenerated secret, say).
const FRESH_MS = 10_000;
// Past FRESH_MS a copy younger than this is still served while the caller refreshes it in the
// background: a webhook never waits on Postgres once its channel has been seen (the p99 was the
// one request in every ten seconds that did).
const STALE_MS = 60_000;
const MAX_ENTRIES = 1000;
const cache = new Map<string, { opened: unknown; at: number; refreshing: boolean }>();

/**
 * The opened channel `id`, from a recent copy or `load` (Postgres and the secret box). With
 * `background` (the request's waitUntil), a copy past its freshness is served and refreshed after.
 */
export async function cachedChannel<T>(
  id: string,
  load: () => Promise<T>,
  background?: (task: Promise<unknown>) => void,
): Promise<T> {
  const hit = cache.get(id);
  const age = hit ? Date.now() - hit.at : Number.POSITIVE_INFINITY;
  if (hit && age < FRESH_MS) return hit.opened as T;
  if (hit && background && age < STALE_MS) {
    if (!hit.refreshing) {
      hit.refreshing = true;
      background(
        load()
          .then((opened) => remember(id, opened))
          .finally(() => {
            hit.refreshing = false;
          }),
      );
    }
    return hit.opened as T;
  }
  const opened = await load();
  remember(id, opened);
  return opened;
}

function remember(id: string, opened: unknown): void {
  if (!cache.has(id) && cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value ?? "");
  cache.set(id, { opened, at: Date.now(), refreshing: false });
}

/** Drops this isolate's copy after the channel changed (update, regenerate, delete, health). */
export function forgetChannel(id: string): void {
  cache.delete(id);
}
