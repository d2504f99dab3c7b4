/** Retry timing, pure: the caller supplies `random` (tests pass a fixed one). */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Total time across all retries of one row. */
  budgetMs?: number;
}

export const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({
  baseMs: 500,
  capMs: 30_000,
  maxAttempts: 6,
  budgetMs: 10 * 60_000,
});

/**
 * Delay before the next attempt after `attempt` attempts (≥ 1): full-jitter exponential
 * random() × min(cap, base × 2^(attempt−1)), never below `retryAfterMs`; 'stop' once
 * `maxAttempts` are used or the wait would end past the budget.
 */
export function nextDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number,
  elapsedMs = 0,
  retryAfterMs?: number,
): number | 'stop' {
  if (attempt >= opts.maxAttempts) return 'stop';
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const delay = Math.max(Math.floor(random() * ceiling), retryAfterMs ?? 0);
  const budget = opts.budgetMs ?? DEFAULT_BACKOFF.budgetMs;
  return elapsedMs + delay > budget ? 'stop' : delay;
}

/** A 429 is not a failure (it uses no attempt) but it is bounded. */
export interface ThrottleOptions {
  minMs: number;
  capMs: number;
  /** 429s a row may see before it gives up. */
  maxThrottles: number;
}

export const DEFAULT_THROTTLE: Readonly<ThrottleOptions> = Object.freeze({
  minMs: 2_000,
  capMs: 60_000,
  maxThrottles: 20,
});

/**
 * Wait after the `throttles`-th 429 (≥ 1): Retry-After plus up to 10 % jitter when the server
 * sent one; else between minMs and min(cap, minMs × 2^throttles). 'stop' at `maxThrottles`.
 */
export function throttleDelay(
  throttles: number,
  opts: ThrottleOptions,
  random: () => number,
  retryAfterMs?: number,
): number | 'stop' {
  if (throttles >= opts.maxThrottles) return 'stop';
  if (retryAfterMs !== undefined) return Math.floor(retryAfterMs + random() * 0.1 * retryAfterMs);
  const upper = Math.max(opts.minMs, Math.min(opts.capMs, opts.minMs * 2 ** throttles));
  return Math.floor(opts.minMs + random() * (upper - opts.minMs));
}
