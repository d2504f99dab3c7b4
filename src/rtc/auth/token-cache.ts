import type { Clock } from '../../infra/clock';

export interface CachedToken {
  token: string;
  /** Local-clock ms at which the token expires. */
  expiresAt: number;
  /** Local-clock ms at which it was obtained. */
  fetchedAt: number;
}

/**
 * In-memory tokens per key (tenant), shared by every client of the process: refreshed before
 * expiry, and concurrent misses share one fetch (single flight).
 */
export interface TokenCache {
  get(key: string, fetch: () => Promise<CachedToken>, signal?: AbortSignal): Promise<string>;
  /** Drops the cached token of `key` (only if it is still `token`, when given). */
  invalidate(key: string, token?: string): void;
}

const MAX_MARGIN_MS = 5 * 60_000;

/** Refresh margin: min(5 min, 10 % of the token's lifetime). */
export function refreshAt(t: CachedToken): number {
  const lifetime = t.expiresAt - t.fetchedAt;
  return t.expiresAt - Math.min(MAX_MARGIN_MS, Math.max(0, lifetime) * 0.1);
}

export function createTokenCache(deps: { clock: Clock }): TokenCache {
  const cached = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<CachedToken>>();
  return {
    async get(key, fetch, signal) {
      const hit = cached.get(key);
      if (hit !== undefined && deps.clock.now() < refreshAt(hit)) return hit.token;
      let pending = inflight.get(key);
      if (pending === undefined) {
        // Not tied to any caller's signal: one caller giving up must not fail the others.
        pending = fetch()
          .then((t) => {
            cached.set(key, t);
            return t;
          })
          .finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return (await untilAborted(pending, signal)).token;
    },
    invalidate(key, token) {
      const hit = cached.get(key);
      if (hit !== undefined && (token === undefined || hit.token === token)) cached.delete(key);
    },
  };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
