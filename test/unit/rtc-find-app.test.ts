import { describe, expect, it } from 'vitest';
import { RetryableError, TerminalError } from '../../src/domain/errors';
import { classify } from '../../src/rtc/classify';
import { findAppByName, listAllApps } from '../../src/rtc/find-app';
import type { ApiResult, ListAppsQuery, RtcClient } from '../../src/rtc/types';

/** A fake client over `total` apps named app-0…; `answers` overrides the result of a given call index. */
function fakeClient(total: number, answers: Record<number, Partial<ApiResult>> = {}) {
  const queries: ListAppsQuery[] = [];
  let invalidations = 0;
  const names = Array.from({ length: total }, (_, i) => `app-${i}`);
  const client: RtcClient = {
    listApps(q) {
      const call = queries.push(q) - 1;
      const apps = names
        .slice(q.offset * q.limit, (q.offset + 1) * q.limit)
        .map((n) => ({ app_id: `id-${n}`, app_name: n }));
      return Promise.resolve({
        status: 200,
        body: { count: total, apps },
        requestId: `r${call}`,
        durationMs: 1,
        method: 'GET',
        path: '/v2/apps',
        ...answers[call],
      });
    },
    createApp: () => Promise.reject(new Error('unused')),
    getApp: () => Promise.reject(new Error('unused')),
    deleteApp: () => Promise.reject(new Error('unused')),
    invalidateToken: () => void invalidations++,
    clockSkewMs: () => undefined,
  };
  return { client, queries, invalidations: () => invalidations };
}

describe('findAppByName', () => {
  it('pages with offset = page number and limit 100 until the name is found', async () => {
    const f = fakeClient(250);
    const order: string[] = [];
    const lookup = await findAppByName(f.client, 'app-150', {
      beforeCall: () => Promise.resolve(void order.push('before')),
      onCall: (r) => void order.push(`on:${r.requestId}`),
    });
    expect(lookup).toEqual({ appId: 'id-app-150', requestIds: ['r0', 'r1'], calls: 2 });
    expect(f.queries).toEqual([
      { offset: 0, limit: 100 },
      { offset: 1, limit: 100 },
    ]);
    expect(order).toEqual(['before', 'on:r0', 'before', 'on:r1']);
  });

  it('stops at a short page when the name is absent', async () => {
    const f = fakeClient(250);
    expect(await findAppByName(f.client, 'nope')).toEqual({
      requestIds: ['r0', 'r1', 'r2'],
      calls: 3,
    });
  });

  it('stops when count is reached on a full page', async () => {
    const f = fakeClient(200);
    expect((await findAppByName(f.client, 'nope')).calls).toBe(2);
  });

  it('throws a retryable error carrying the result on a 500 page', async () => {
    const f = fakeClient(250, { 1: { status: 500, errorCode: 'RTC.00002001', body: {} } });
    const err = await findAppByName(f.client, 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).code).toBe('RTC.00002001');
    expect(classify(err)).toMatchObject({ kind: 'retry', ambiguous: true });
  });

  it('throws a terminal error on an auth failure', async () => {
    const f = fakeClient(10, { 0: { status: 401, errorCode: 'APIGW.0301', body: {} } });
    const err = await findAppByName(f.client, 'app-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalError);
    expect(classify(err)).toMatchObject({ kind: 'auth', code: 'APIGW.0301' });
  });

  it('refreshes the token once on APIGW.0307 and repeats the page', async () => {
    const f = fakeClient(10, { 0: { status: 401, errorCode: 'APIGW.0307', body: {} } });
    let before = 0;
    const lookup = await findAppByName(f.client, 'app-3', {
      beforeCall: () => Promise.resolve(void before++),
    });
    expect(lookup).toEqual({ appId: 'id-app-3', requestIds: ['r0', 'r1'], calls: 2 });
    expect(f.invalidations()).toBe(1);
    expect(before).toBe(2);
  });
});

describe('listAllApps', () => {
  it('returns every app across pages', async () => {
    const f = fakeClient(230);
    const all = await listAllApps(f.client, { pageSize: 100 });
    expect(all.apps).toHaveLength(230);
    expect(all.apps[229]).toEqual({ app_id: 'id-app-229', app_name: 'app-229' });
    expect(all.calls).toBe(3);
  });

  it('makes one call for an empty account', async () => {
    const f = fakeClient(0);
    expect(await listAllApps(f.client)).toEqual({ apps: [], requestIds: ['r0'], calls: 1 });
  });
});
