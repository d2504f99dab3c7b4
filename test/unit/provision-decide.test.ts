import { describe, expect, it } from 'vitest';
import { decide, type DecideContext } from '../../src/provision/decide';
import { freshProgress } from '../../src/provision/outcome-builder';
import type { Classification } from '../../src/rtc/classify';
import type { ApiResult } from '../../src/rtc/types';

const result = (status: number, errorCode?: string): ApiResult => ({
  status,
  requestId: 'rid',
  body: {},
  durationMs: 1,
  method: 'POST',
  path: '/v2/apps',
  ...(errorCode ? { errorCode, errorMsg: errorCode } : {}),
});

function ctx(
  cls: Classification,
  r: ApiResult | undefined,
  patch: Partial<DecideContext> = {},
): DecideContext {
  const st = freshProgress(0);
  st.attempts = 1;
  return {
    cls,
    result: r,
    st,
    refreshable: false,
    now: 1000,
    backoff: { baseMs: 100, capMs: 1000, maxAttempts: 3, budgetMs: 60_000 },
    throttle: { minMs: 2000, capMs: 60_000, maxThrottles: 2 },
    random: () => 0.5,
    ...patch,
  };
}

describe('decide: the error table', () => {
  it('201 finishes created with the app id and request id', () => {
    expect(decide(ctx({ kind: 'created', appId: 'abc' }, result(201)))).toEqual({
      kind: 'finish',
      decision: { status: 'created', appId: 'abc', httpStatus: 201, requestId: 'rid' },
    });
  });

  it('AppExist is looked up (never retried); RTC.00001003 too, as exists-or-rejected', () => {
    expect(decide(ctx({ kind: 'exists' }, result(400, 'RTC.00001020')))).toMatchObject({
      kind: 'reconcile',
      answer: { status: 'exists', errorCode: 'RTC.00001020' },
    });
    expect(decide(ctx({ kind: 'maybe_exists' }, result(400, 'RTC.00001003')))).toMatchObject({
      kind: 'lookup',
      answer: { status: 'rejected' },
    });
    const amb = ctx({ kind: 'maybe_exists' }, result(400, 'RTC.00001003'));
    amb.st.ambiguous = true;
    expect(decide(amb)).toMatchObject({ kind: 'reconcile' });
  });

  it('AppsExceed marks the tenant full; after an ambiguous attempt it looks first', () => {
    expect(decide(ctx({ kind: 'quota' }, result(400, 'RTC.00001017')))).toMatchObject({
      kind: 'finish',
      markFull: true,
      decision: { status: 'quota_exceeded' },
    });
    const amb = ctx({ kind: 'quota' }, result(400, 'RTC.00001017'));
    amb.st.ambiguous = true;
    expect(decide(amb)).toMatchObject({ kind: 'reconcile', markFull: true });
  });

  it('auth failures hold the tenant; an IAM token gets one refresh first', () => {
    const auth: Classification = { kind: 'auth', code: 'APIGW.0301', msg: 'bad' };
    expect(decide(ctx(auth, result(401, 'APIGW.0301')))).toMatchObject({
      kind: 'hold',
      reason: { code: 'APIGW.0301', httpStatus: 401, requestId: 'rid' },
    });
    const iam = ctx(auth, result(401, 'APIGW.0301'), { refreshable: true });
    expect(decide(iam)).toEqual({ kind: 'refresh-token' });
    expect(decide(iam)).toMatchObject({ kind: 'hold' });
  });

  it('APIGW.0307 refreshes once, then holds', () => {
    const c = ctx({ kind: 'refresh_token' }, result(401, 'APIGW.0307'));
    expect(decide(c)).toEqual({ kind: 'refresh-token' });
    expect(decide(c)).toMatchObject({ kind: 'hold', reason: { code: 'APIGW.0307' } });
  });

  it('429 pauses the tenant (Retry-After honoured) until max throttles, then fails saying why', () => {
    const c = ctx({ kind: 'throttled', retryAfterMs: 5000 }, result(429, 'APIGW.0308'));
    const first = decide(c);
    expect(first.kind).toBe('pause-tenant');
    expect(first.kind === 'pause-tenant' && first.waitMs).toBeGreaterThanOrEqual(5000);
    expect(decide(c)).toMatchObject({
      kind: 'finish',
      decision: {
        status: 'failed',
        errorCode: 'APIGW.0308',
        errorMsg: 'throttled 2 times (APIGW.0308); gave up',
      },
    });
  });

  it('5xx retries with backoff; when attempts run out it fails, or looks first if ambiguous', () => {
    const c = ctx(
      { kind: 'retry', ambiguous: false, code: 'RTC.00002001', msg: 'Internal error' },
      result(500, 'RTC.00002001'),
    );
    expect(decide(c)).toMatchObject({ kind: 'retry', code: 'RTC.00002001' });
    c.st.attempts = 3;
    expect(decide(c)).toMatchObject({
      kind: 'finish',
      decision: { status: 'failed', errorMsg: 'gave up after 3 attempts: Internal error' },
    });
    const amb = ctx({ kind: 'retry', ambiguous: true, code: 'ERR_RESET', msg: 'reset' }, undefined);
    amb.st.attempts = 3;
    expect(decide(amb)).toMatchObject({ kind: 'reconcile', answer: { status: 'failed' } });
    expect(amb.st.ambiguous).toBe(true);
  });

  it('other 400s are rejected; unknown failures are terminal', () => {
    expect(
      decide(ctx({ kind: 'rejected', code: 'RTC.00001002' }, result(400, 'RTC.00001002'))),
    ).toMatchObject({ kind: 'finish', decision: { status: 'rejected' } });
    expect(decide(ctx({ kind: 'failed', msg: 'TypeError: x' }, undefined))).toMatchObject({
      kind: 'finish',
      decision: { status: 'failed', errorMsg: 'TypeError: x' },
    });
  });
});
