import {
  nextDelay,
  throttleDelay,
  type BackoffOptions,
  type ThrottleOptions,
} from '../rtc/backoff';
import type { Classification } from '../rtc/classify';
import type { ApiResult } from '../rtc/types';
import type { JobProgress } from '../queue/provision-queue';
import type { HoldReason } from '../runs/run-store';
import type { Decision } from './outcome-builder';

/** What the processor does next with a row after one create call. */
export type Step =
  | { kind: 'finish'; decision: Decision; markFull?: boolean }
  /** Look the name up; an app made after the row was queued is ours (`created`), else `answer`. */
  | { kind: 'reconcile'; answer: Decision; markFull?: boolean }
  /** Look the name up: found → `exists` with its id, else `answer` (RTC.00001003 on a create). */
  | { kind: 'lookup'; answer: Decision }
  | { kind: 'hold'; reason: HoldReason }
  | { kind: 'refresh-token' }
  | { kind: 'pause-tenant'; waitMs: number }
  | { kind: 'retry'; delayMs: number; code: string; msg: string };

export interface DecideContext {
  cls: Classification;
  result: ApiResult | undefined;
  /** The row's progress, this call already counted (it is updated in place). */
  st: JobProgress;
  refreshable: boolean;
  now: number;
  backoff: BackoffOptions;
  throttle: ThrottleOptions;
  random: () => number;
}

/**
 * DESIGN.md's error table as one pure function: the classification of a create call, and the
 * row's history, give the next step. Mutates only `st` (ambiguity, refresh, throttles, last error).
 */
export function decide(c: DecideContext): Step {
  const { cls, result, st } = c;
  const http = result ? { httpStatus: result.status } : {};
  const rid = result?.requestId ? { requestId: result.requestId } : {};
  const err: Decision = {
    status: 'failed',
    ...http,
    ...rid,
    ...(result?.errorCode ? { errorCode: result.errorCode } : {}),
    ...(result?.errorMsg ? { errorMsg: result.errorMsg } : {}),
  };
  const hold = (code: string, message: string): Step => ({
    kind: 'hold',
    reason: { code, message, ...http, ...rid, at: new Date(c.now).toISOString() },
  });

  switch (cls.kind) {
    case 'created':
      return { kind: 'finish', decision: { status: 'created', appId: cls.appId, ...http, ...rid } };
    case 'exists':
      // Always looked up: it fills in the app id, and an app created after the row was queued
      // is ours even when this job saw no ambiguity (a twin run of it after a stall).
      return { kind: 'reconcile', answer: { ...err, status: 'exists' } };
    case 'maybe_exists':
      return st.ambiguous
        ? { kind: 'reconcile', answer: { ...err, status: 'rejected' } }
        : { kind: 'lookup', answer: { ...err, status: 'rejected' } };
    case 'quota':
      return st.ambiguous
        ? { kind: 'reconcile', answer: { ...err, status: 'quota_exceeded' }, markFull: true }
        : { kind: 'finish', decision: { ...err, status: 'quota_exceeded' }, markFull: true };
    case 'auth':
      // An IAM token can expire or be revoked under us: one fresh token before the breaker.
      if (c.refreshable && result?.status === 401 && !st.refreshed) {
        st.refreshed = true;
        return { kind: 'refresh-token' };
      }
      return hold(cls.code, cls.msg);
    case 'refresh_token':
      if (st.refreshed)
        return hold(result?.errorCode ?? 'APIGW.0307', 'token refused again after a refresh');
      st.refreshed = true;
      return { kind: 'refresh-token' };
    case 'throttled': {
      st.throttles++;
      const wait = throttleDelay(st.throttles, c.throttle, c.random, cls.retryAfterMs);
      if (wait === 'stop') {
        return {
          kind: 'finish',
          decision: { ...err, errorMsg: `throttled ${st.throttles} times (APIGW.0308); gave up` },
        };
      }
      return { kind: 'pause-tenant', waitMs: wait };
    }
    case 'retry': {
      if (cls.ambiguous) st.ambiguous = true;
      st.lastError = {
        ...err,
        ...(cls.code ? { code: cls.code } : {}),
        ...(cls.msg ? { msg: cls.msg } : {}),
      };
      const delay = nextDelay(
        st.attempts,
        c.backoff,
        c.random,
        c.now - st.startedAt,
        result?.retryAfterMs,
      );
      if (delay !== 'stop')
        return {
          kind: 'retry',
          delayMs: delay,
          code: cls.code ?? 'ERR_RETRY',
          msg: cls.msg ?? 'retryable failure',
        };
      const last = st.lastError;
      const gaveUp: Decision = {
        status: 'failed',
        ...http,
        ...rid,
        ...(last.code ? { errorCode: last.code } : {}),
        errorMsg: `gave up after ${st.attempts} attempts: ${last.msg ?? last.code ?? 'server error'}`,
      };
      // The app may exist from an ambiguous attempt: look before reporting a failure.
      return st.ambiguous
        ? { kind: 'reconcile', answer: gaveUp }
        : { kind: 'finish', decision: gaveUp };
    }
    case 'rejected':
      return { kind: 'finish', decision: { ...err, status: 'rejected' } };
    case 'failed':
      return {
        kind: 'finish',
        decision: { ...err, ...(cls.msg && !result ? { errorMsg: cls.msg } : {}) },
      };
  }
}
