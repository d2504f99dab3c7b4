import { ConfigError } from '../domain/errors';

export interface RateLimit {
  /** Calls allowed in any window of `windowMs`. */
  max: number;
  windowMs: number;
}

export const DEFAULT_RATE: RateLimit = Object.freeze({ max: 60, windowMs: 60_000 });

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Parses `60/60s`, `2/1s`, `100/500ms`, `60/1m`. */
export function parseRate(text: string, what = 'rate'): RateLimit {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|min|h)\s*$/.exec(text);
  if (!m) {
    throw new ConfigError(
      `${what}: "${text}" is not a rate; write calls/window, e.g. 60/60s or 5/1s`,
    );
  }
  const max = Number(m[1]);
  const windowMs = Math.round(Number(m[2] ?? '1') * UNITS[m[3]!]!);
  if (max < 1 || windowMs < 1) {
    throw new ConfigError(
      `${what}: "${text}" must allow at least 1 call in a window of at least 1 ms`,
    );
  }
  return { max, windowMs };
}

export function formatRate(rate: RateLimit): string {
  return rate.windowMs % 1000 === 0
    ? `${rate.max}/${rate.windowMs / 1000}s`
    : `${rate.max}/${rate.windowMs}ms`;
}
