import { describe, expect, it } from 'vitest';
import { RetryableError, TerminalError } from '../../src/domain/errors';
import { errorForResult } from '../../src/rtc/api-error';
import { classify, type Classification } from '../../src/rtc/classify';
import type { ApiResult } from '../../src/rtc/types';

function create(status: number, errorCode?: string, extra: Partial<ApiResult> = {}): ApiResult {
  return {
    status,
    body: errorCode ? { error_code: errorCode, error_msg: 'm' } : undefined,
    durationMs: 1,
    method: 'POST',
    path: '/v2/apps',
    requestId: 'req-1',
    ...(errorCode ? { errorCode, errorMsg: 'm' } : {}),
    ...extra,
  };
}
const list = (status: number, errorCode?: string): ApiResult => ({
  ...create(status, errorCode),
  method: 'GET',
  path: '/v2/apps?offset=0&limit=100',
});

describe('classify: API results, DESIGN.md §1 row by row', () => {
  it.each<[string, ApiResult, Classification]>([
    [
      '201 created',
      create(201, undefined, { body: { app_id: 'a'.repeat(32) } }),
      { kind: 'created', appId: 'a'.repeat(32) },
    ],
    [
      '201 without app_id (acted, unreadable)',
      create(201, undefined, { body: 'ok' }),
      { kind: 'retry', ambiguous: true, code: 'ERR_BAD_RESPONSE' },
    ],
    ['400 RTC.00001020 AppExist', create(400, 'RTC.00001020'), { kind: 'exists' }],
    ['400 RTC.00001003 on create', create(400, 'RTC.00001003'), { kind: 'maybe_exists' }],
    [
      '400 RTC.00001003 on list',
      list(400, 'RTC.00001003'),
      { kind: 'rejected', code: 'RTC.00001003', msg: 'm' },
    ],
    [
      '404 RTC.00001003 on show',
      { ...list(404, 'RTC.00001003'), path: '/v2/apps/x' },
      { kind: 'rejected', code: 'RTC.00001003', msg: 'm' },
    ],
    ['400 RTC.00001017 AppsExceed', create(400, 'RTC.00001017'), { kind: 'quota' }],
    [
      '400 RTC.00001001 OperationUnauthorized',
      create(400, 'RTC.00001001'),
      { kind: 'auth', code: 'RTC.00001001', msg: 'm' },
    ],
    [
      '400 RTC.00001021 NoPermission',
      create(400, 'RTC.00001021'),
      { kind: 'auth', code: 'RTC.00001021', msg: 'm' },
    ],
    [
      '400 RTC.00001002',
      create(400, 'RTC.00001002'),
      { kind: 'rejected', code: 'RTC.00001002', msg: 'm' },
    ],
    [
      '400 RTC.00001004',
      create(400, 'RTC.00001004'),
      { kind: 'rejected', code: 'RTC.00001004', msg: 'm' },
    ],
    [
      '400 RTC.00001005',
      create(400, 'RTC.00001005'),
      { kind: 'rejected', code: 'RTC.00001005', msg: 'm' },
    ],
    ['400 without a code', create(400), { kind: 'rejected' }],
    ['413 unknown 4xx', create(413, 'X.1'), { kind: 'rejected', code: 'X.1', msg: 'm' }],
    [
      '401 APIGW.0301 bad signature',
      create(401, 'APIGW.0301'),
      { kind: 'auth', code: 'APIGW.0301', msg: 'm' },
    ],
    [
      '401 APIGW.0303 bad token',
      create(401, 'APIGW.0303'),
      { kind: 'auth', code: 'APIGW.0303', msg: 'm' },
    ],
    [
      '401 APIGW.0305 skewed clock',
      create(401, 'APIGW.0305'),
      { kind: 'auth', code: 'APIGW.0305', msg: 'm' },
    ],
    ['401 without a code', create(401), { kind: 'auth', code: 'HTTP_401', msg: '' }],
    ['401 APIGW.0307 refresh token', create(401, 'APIGW.0307'), { kind: 'refresh_token' }],
    [
      '403 APIGW.0302 denied',
      create(403, 'APIGW.0302'),
      { kind: 'auth', code: 'APIGW.0302', msg: 'm' },
    ],
    ['403 APIGW.0306', create(403, 'APIGW.0306'), { kind: 'auth', code: 'APIGW.0306', msg: 'm' }],
    [
      '403 APIGW.0310 project unavailable',
      create(403, 'APIGW.0310'),
      { kind: 'auth', code: 'APIGW.0310', msg: 'm' },
    ],
    [
      '429 APIGW.0308 with Retry-After',
      create(429, 'APIGW.0308', { retryAfterMs: 3000 }),
      { kind: 'throttled', retryAfterMs: 3000 },
    ],
    ['429 without a code', create(429), { kind: 'throttled' }],
    [
      '500 RTC.00002001',
      create(500, 'RTC.00002001'),
      { kind: 'retry', ambiguous: true, code: 'RTC.00002001', msg: 'm' },
    ],
    [
      '500 APIGW.0601',
      create(500, 'APIGW.0601'),
      { kind: 'retry', ambiguous: true, code: 'APIGW.0601', msg: 'm' },
    ],
    [
      '502 APIGW.0201',
      create(502, 'APIGW.0201'),
      { kind: 'retry', ambiguous: true, code: 'APIGW.0201', msg: 'm' },
    ],
    [
      '503 APIGW.0610',
      create(503, 'APIGW.0610'),
      { kind: 'retry', ambiguous: true, code: 'APIGW.0610', msg: 'm' },
    ],
    [
      '504 APIGW.0613',
      create(504, 'APIGW.0613'),
      { kind: 'retry', ambiguous: true, code: 'APIGW.0613', msg: 'm' },
    ],
    ['501 (not allowlisted)', create(501), { kind: 'failed', code: 'HTTP_501' }],
    ['302 redirect', create(302), { kind: 'failed', code: 'HTTP_302' }],
    [
      '200 from a list (not a create)',
      list(200),
      {
        kind: 'failed',
        code: 'ERR_NOT_A_CREATE',
        msg: 'HTTP 200 from GET /v2/apps?offset=0&limit=100',
      },
    ],
  ])('%s', (_name, result, expected) => {
    expect(classify(result)).toEqual(expected);
  });
});

function sysErr(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('classify: thrown errors', () => {
  it.each<[string, unknown, Partial<Classification>]>([
    [
      'RetryableError ERR_NETWORK (nothing sent)',
      new RetryableError('ERR_NETWORK', 'x'),
      { kind: 'retry', ambiguous: false },
    ],
    [
      'RetryableError ERR_TIMEOUT',
      new RetryableError('ERR_TIMEOUT', 'x'),
      { kind: 'retry', ambiguous: true },
    ],
    [
      'RetryableError ERR_RESET',
      new RetryableError('ERR_RESET', 'x'),
      { kind: 'retry', ambiguous: true },
    ],
    [
      'RetryableError ERR_IAM_UNAVAILABLE',
      new RetryableError('ERR_IAM_UNAVAILABLE', 'x'),
      { kind: 'retry', ambiguous: false },
    ],
    [
      'TerminalError ERR_IAM_AUTH',
      new TerminalError('ERR_IAM_AUTH', 'x'),
      { kind: 'auth', code: 'ERR_IAM_AUTH' },
    ],
    [
      'raw ECONNREFUSED',
      sysErr('ECONNREFUSED'),
      { kind: 'retry', ambiguous: false, code: 'ECONNREFUSED' },
    ],
    [
      'raw ECONNRESET',
      sysErr('ECONNRESET'),
      { kind: 'retry', ambiguous: true, code: 'ECONNRESET' },
    ],
    [
      'undici other side closed',
      sysErr('UND_ERR_SOCKET', 'other side closed'),
      { kind: 'retry', ambiguous: true },
    ],
    [
      'undici headers timeout',
      sysErr('UND_ERR_HEADERS_TIMEOUT'),
      { kind: 'retry', ambiguous: true },
    ],
    [
      'cause chain',
      new Error('fetch failed', { cause: sysErr('ECONNREFUSED') }),
      { kind: 'retry', ambiguous: false },
    ],
    [
      'DOMException TimeoutError',
      new DOMException('t', 'TimeoutError'),
      { kind: 'retry', ambiguous: true },
    ],
    [
      'TypeError is a bug',
      new TypeError('x is not a function'),
      { kind: 'failed', code: 'TypeError' },
    ],
    [
      'AbortError is a shutdown',
      new DOMException('aborted', 'AbortError'),
      { kind: 'failed', code: 'AbortError' },
    ],
    [
      'unknown TerminalError',
      new TerminalError('ERR_SOMETHING', 'x'),
      { kind: 'failed', code: 'ERR_SOMETHING' },
    ],
    ['a string', 'boom', { kind: 'failed' }],
    ['undefined', undefined, { kind: 'failed' }],
  ])('%s', (_name, err, expected) => {
    expect(classify(err)).toMatchObject(expected);
  });

  it('re-reads the API result carried by an error from errorForResult', () => {
    const result = create(429, 'APIGW.0308', { retryAfterMs: 5000 });
    const err = errorForResult(result, classify(result), 'listing');
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('APIGW.0308');
    expect((err as RetryableError).retryAfterMs).toBe(5000);
    expect(classify(err)).toEqual({ kind: 'throttled', retryAfterMs: 5000 });
    const auth = create(401, 'APIGW.0301');
    const terminal = errorForResult(auth, classify(auth), 'listing');
    expect(terminal).toBeInstanceOf(TerminalError);
    expect(classify(terminal)).toMatchObject({ kind: 'auth', code: 'APIGW.0301' });
  });
});
