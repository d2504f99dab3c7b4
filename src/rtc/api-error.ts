import { RetryableError, TerminalError } from '../domain/errors';
import type { Classification } from './classify';
import type { ApiResult } from './types';

/** An API answer turned into an error; `classify()` re-reads `result`, so nothing is lost. */
export class RtcRetryableError extends RetryableError {
  readonly result: ApiResult;
  constructor(result: ApiResult, message: string) {
    super(
      codeOf(result),
      message,
      result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {},
    );
    this.result = result;
  }
}

export class RtcTerminalError extends TerminalError {
  readonly result: ApiResult;
  constructor(result: ApiResult, message: string) {
    super(codeOf(result), message);
    this.result = result;
  }
}

/** RetryableError for throttled / retry / refresh_token, else TerminalError. */
export function errorForResult(
  result: ApiResult,
  c: Classification,
  doing: string,
): RtcRetryableError | RtcTerminalError {
  const detail =
    `${result.method} ${result.path} → HTTP ${result.status}` +
    `${result.errorCode ? ` ${result.errorCode}` : ''}${result.errorMsg ? `: ${result.errorMsg}` : ''}` +
    `${result.requestId ? ` (request ${result.requestId})` : ''}`;
  const retryable = c.kind === 'throttled' || c.kind === 'retry' || c.kind === 'refresh_token';
  return retryable
    ? new RtcRetryableError(result, `${doing}: ${detail}; will retry`)
    : new RtcTerminalError(result, `${doing}: ${detail}`);
}

function codeOf(result: ApiResult): string {
  return result.errorCode ?? `HTTP_${result.status}`;
}
