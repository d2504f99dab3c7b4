import type { ApiResult } from './types';
import type { HttpResponse } from './http';

/** Parses a body: JSON when it parses, else the text itself; undefined when empty. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `Retry-After` in seconds or as an HTTP date (relative to the server's `Date`, else `nowMs`). */
export function parseRetryAfter(
  value: string | undefined,
  nowMs: number,
  serverDate?: string,
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date names its weekday or month; Date.parse alone would read '-1' as a year.
  const at = /[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  const reference = serverDate === undefined ? Number.NaN : Date.parse(serverDate);
  return Math.max(0, at - (Number.isNaN(reference) ? nowMs : reference));
}

interface ErrorFields {
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
}

/** `{error_code, error_msg, request_id}` (API gateway and RTC), or IAM's `{error: {code, message}}`. */
export function parseErrorBody(body: unknown): ErrorFields {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const nested =
    typeof b.error === 'object' && b.error !== null ? (b.error as Record<string, unknown>) : {};
  const out: ErrorFields = {};
  const code = str(b.error_code) ?? str(nested.code);
  const msg = str(b.error_msg) ?? str(nested.message);
  const requestId = str(b.request_id);
  if (code !== undefined) out.errorCode = code;
  if (msg !== undefined) out.errorMsg = msg;
  if (requestId !== undefined) out.requestId = requestId;
  return out;
}

export function toApiResult(
  res: HttpResponse,
  meta: { method: string; path: string; durationMs: number; nowMs: number },
): ApiResult {
  const body = parseBody(res.text);
  const errors = res.status >= 400 ? parseErrorBody(body) : {};
  const result: ApiResult = {
    status: res.status,
    body,
    durationMs: meta.durationMs,
    method: meta.method,
    path: meta.path,
  };
  const requestId = res.headers['x-request-id'] ?? errors.requestId;
  if (requestId !== undefined) result.requestId = requestId;
  if (errors.errorCode !== undefined) result.errorCode = errors.errorCode;
  if (errors.errorMsg !== undefined) result.errorMsg = errors.errorMsg;
  const serverDate = res.headers.date;
  if (serverDate !== undefined) result.serverDate = serverDate;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], meta.nowMs, serverDate);
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  return result;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}
