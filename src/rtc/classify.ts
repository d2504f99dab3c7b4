import { RetryableError, TerminalError } from '../domain/errors';
import { networkKind } from './network-error';
import type { ApiResult } from './types';

export type Classification =
  | { kind: 'created'; appId: string }
  | { kind: 'exists' }
  | { kind: 'maybe_exists' }
  | { kind: 'quota' }
  | { kind: 'auth'; code: string; msg: string }
  | { kind: 'refresh_token' }
  | { kind: 'throttled'; retryAfterMs?: number }
  | { kind: 'retry'; ambiguous: boolean; code?: string; msg?: string }
  | { kind: 'rejected'; code?: string; msg?: string }
  | { kind: 'failed'; code?: string; msg?: string };

const AUTH_CODES = new Set(['RTC.00001001', 'RTC.00001021']);
/** 500: the server may have acted. 502/503/504 too: a gateway may fail after forwarding the request. */
const RETRY_STATUSES = new Set([500, 502, 503, 504]);
/** RetryableError codes proven to have sent nothing; every other retryable one counts as ambiguous. */
const NOT_SENT_CODES = new Set(['ERR_NETWORK', 'ERR_IAM_UNAVAILABLE']);

/**
 * DESIGN.md §1's error table as one pure function over an API result or a thrown error.
 * Allowlist: only what is known to be retryable is retried; anything unknown is `failed`.
 */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- documents the two inputs
export function classify(outcome: ApiResult | unknown): Classification {
  if (isApiResult(outcome)) return classifyResult(outcome);
  return classifyError(outcome);
}

function classifyResult(r: ApiResult): Classification {
  const { status, errorCode: code, errorMsg: msg } = r;
  const details = {
    ...(code !== undefined ? { code } : {}),
    ...(msg !== undefined ? { msg } : {}),
  };
  const isCreate = r.method === 'POST' && /^\/v2\/apps\/?$/.test(r.path);
  if (status >= 200 && status < 300) {
    if (!isCreate)
      return {
        kind: 'failed',
        code: 'ERR_NOT_A_CREATE',
        msg: `HTTP ${status} from ${r.method} ${r.path}`,
      };
    const appId = (r.body as { app_id?: unknown } | undefined)?.app_id;
    // Created but unreadable: retry, and the "exists" that follows is reconciled by listing.
    if (typeof appId !== 'string' || appId === '')
      return { kind: 'retry', ambiguous: true, code: 'ERR_BAD_RESPONSE' };
    return { kind: 'created', appId };
  }
  if (code !== undefined && AUTH_CODES.has(code)) return { kind: 'auth', code, msg: msg ?? '' };
  if (status === 401 && code === 'APIGW.0307') return { kind: 'refresh_token' };
  if (status === 401 || status === 403)
    return { kind: 'auth', code: code ?? `HTTP_${status}`, msg: msg ?? '' };
  if (status === 429)
    return r.retryAfterMs !== undefined
      ? { kind: 'throttled', retryAfterMs: r.retryAfterMs }
      : { kind: 'throttled' };
  if (RETRY_STATUSES.has(status)) return { kind: 'retry', ambiguous: true, ...details };
  if (status >= 400 && status < 500) {
    if (code === 'RTC.00001020') return { kind: 'exists' };
    if (code === 'RTC.00001017') return { kind: 'quota' };
    if (code === 'RTC.00001003' && status === 400 && isCreate) return { kind: 'maybe_exists' };
    return { kind: 'rejected', ...details };
  }
  return { kind: 'failed', ...(code !== undefined ? details : { code: `HTTP_${status}` }) };
}

function classifyError(err: unknown): Classification {
  const result = (err as { result?: unknown } | null)?.result;
  if (isApiResult(result)) return classifyResult(result);
  if (err instanceof TerminalError && err.code === 'ERR_IAM_AUTH')
    return { kind: 'auth', code: err.code, msg: err.message };
  if (err instanceof RetryableError) {
    return {
      kind: 'retry',
      ambiguous: !NOT_SENT_CODES.has(err.code),
      code: err.code,
      msg: err.message,
    };
  }
  const kind = networkKind(err);
  const code = errorCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (kind !== undefined)
    return { kind: 'retry', ambiguous: kind !== 'not_sent', ...(code ? { code } : {}), msg };
  // A TypeError is a bug, an abort is a shutdown: neither is a blip worth retrying.
  return { kind: 'failed', ...(code ? { code } : {}), msg };
}

function isApiResult(x: unknown): x is ApiResult {
  if (typeof x !== 'object' || x === null || x instanceof Error) return false;
  const r = x as Partial<ApiResult>;
  return typeof r.status === 'number' && typeof r.method === 'string' && typeof r.path === 'string';
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.name : undefined;
}
