import { RetryableError } from '../domain/errors';

/** What a low-level failure tells us about whether the request reached the server. */
export type NetworkKind = 'not_sent' | 'reset' | 'timeout';

// Allowlists: anything not named here is not a network blip (a TypeError is a bug).
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RESET = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Classifies a raw error (walking its `cause` chain) by its code; undefined when unknown. */
export function networkKind(err: unknown): NetworkKind | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NOT_SENT.has(code)) return 'not_sent';
      if (RESET.has(code)) return 'reset';
      if (TIMEOUT.has(code)) return 'timeout';
    }
    if ((current as { name?: unknown }).name === 'TimeoutError') return 'timeout';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const CODE_FOR: Record<NetworkKind, 'ERR_NETWORK' | 'ERR_RESET' | 'ERR_TIMEOUT'> = {
  not_sent: 'ERR_NETWORK',
  reset: 'ERR_RESET',
  timeout: 'ERR_TIMEOUT',
};

const WHAT: Record<NetworkKind, string> = {
  not_sent: 'could not connect (nothing was sent)',
  reset: 'connection dropped (the server may have acted)',
  timeout: 'timed out (the server may have acted)',
};

/** Wraps a known network failure as RetryableError; returns anything else unchanged. */
export function toNetworkError(err: unknown, what: string): unknown {
  const kind = networkKind(err);
  if (kind === undefined) return err;
  const detail = (err as { code?: unknown }).code;
  return new RetryableError(
    CODE_FOR[kind],
    `${what}: ${WHAT[kind]}${typeof detail === 'string' ? ` [${detail}]` : ''}`,
    {
      cause: err,
    },
  );
}
