import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/infra/clock';
import { silentLogger } from '../../src/infra/logger';
import { fetchExisting, type FetchExistingDeps } from '../../src/plan/fetch-existing';
import type { TenantRuntime } from '../../src/provision/tenant-directory';
import type { LimiterDecision } from '../../src/queue/tenant-limiter';
import type { ApiResult, ListAppsQuery, RtcClient } from '../../src/rtc/types';

let rid = 0;
const ok = (q: ListAppsQuery, all: string[]): ApiResult => {
  const page = all.slice(q.offset * q.limit, (q.offset + 1) * q.limit);
  return {
    status: 200,
    requestId: `rid-${++rid}`,
    body: {
      count: all.length,
      apps: page.map((name) => ({ app_id: `id-${name}`, app_name: name })),
    },
    durationMs: 1,
    method: 'GET',
    path: `/v2/apps?offset=${q.offset}&limit=${q.limit}`,
  };
};
const failure = (status: number, errorCode: string): ApiResult => ({
  status,
  requestId: `rid-${++rid}`,
  body: { error_code: errorCode, error_msg: 'no' },
  errorCode,
  errorMsg: 'no',
  durationMs: 1,
  method: 'GET',
  path: '/v2/apps?offset=0&limit=100',
});

/** A client whose listApps answers from `apps`, after any scripted answers, and records every call. */
function fakeClient(apps: string[], script: ApiResult[] = [], gate?: () => Promise<void>) {
  const calls: ListAppsQuery[] = [];
  const client: RtcClient = {
    async listApps(q) {
      calls.push(q);
      await gate?.();
      return script.shift() ?? ok(q, apps);
    },
    createApp: () => Promise.reject(new Error('plan must never create')),
    getApp: () => Promise.reject(new Error('not used')),
    deleteApp: () => Promise.reject(new Error('plan must never delete')),
    invalidateToken: () => {},
    clockSkewMs: () => undefined,
  };
  return { client, calls };
}

function tenant(id: string, client: RtcClient, quota = 20): TenantRuntime {
  return {
    id,
    rate: { max: 60, windowMs: 60_000 },
    quota,
    client,
    authKey: `authok:${id}`,
    refreshable: false,
  };
}

/** A limiter answering from a script (then `granted`), recording what it was asked. */
function fakeLimiter(script: LimiterDecision[] = []) {
  const log: string[] = [];
  let n = 0;
  const limiter: FetchExistingDeps['limiter'] = {
    acquire(t, o) {
      log.push(`acquire ${t}${o.reservation ? ` ${o.reservation}` : ''}`);
      const next = script.shift();
      if (next) return Promise.resolve(next);
      n++;
      // The first grant is an auth probe, as for credentials never used before.
      return Promise.resolve({
        kind: 'granted',
        at: 0,
        probe: n === 1,
        quotaProbe: false,
        grant: `g${n}`,
      });
    },
    confirm(t, grant) {
      log.push(`confirm ${t} ${grant}`);
      return Promise.resolve();
    },
    settleProbe(t, _key, accepted) {
      log.push(`probe ${t} ${accepted}`);
      return Promise.resolve();
    },
    pause(t, until) {
      log.push(`pause ${t} ${until}`);
      return Promise.resolve();
    },
    now: () => Promise.resolve(1000),
  };
  return { limiter, log };
}

function deps(
  tenants: TenantRuntime[],
  limiter: FetchExistingDeps['limiter'],
  clock = new ManualClock(0),
) {
  const byId = new Map(tenants.map((t) => [t.id, t]));
  return {
    tenants: { get: (id: string) => byId.get(id) },
    limiter,
    clock,
    logger: silentLogger(),
    random: () => 0,
  };
}

const names = (n: number, p = 'app') => Array.from({ length: n }, (_, i) => `${p}-${i}`);

describe('fetchExisting', () => {
  it('pages GET /v2/apps by page number, each call taking a limiter slot and confirming it afterwards', async () => {
    const { client, calls } = fakeClient(names(250));
    const { limiter, log } = fakeLimiter();
    const out = await fetchExisting(['acme'], deps([tenant('acme', client, 300)], limiter));
    expect(calls.map((q) => [q.offset, q.limit])).toEqual([
      [0, 100],
      [1, 100],
      [2, 100],
    ]);
    expect(out.existing.get('acme')!.size).toBe(250);
    expect(out.existing.get('acme')!.get('app-249')).toBe('id-app-249');
    expect(out.quotas.get('acme')).toBe(300);
    expect(out.calls).toBe(3);
    expect(out.requestIds.get('acme')).toHaveLength(3);
    expect(log.filter((l) => l.startsWith('acquire'))).toHaveLength(3);
    expect(log.filter((l) => l.startsWith('confirm'))).toEqual([
      'confirm acme g1',
      'confirm acme g2',
      'confirm acme g3',
    ]);
    // The first grant was an auth probe: accepted credentials are recorded for the workers.
    expect(log).toContain('probe acme true');
  });

  it('sleeps until the limiter slot and then asks again with its reservation', async () => {
    const clock = new ManualClock(0);
    const { client, calls } = fakeClient(names(3));
    const { limiter, log } = fakeLimiter([
      { kind: 'wait', until: 5000, reservation: 'r1', now: 1000 },
    ]);
    const done = fetchExisting(['acme'], deps([tenant('acme', client)], limiter, clock));
    while (clock.pendingSleeps === 0) await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(0);
    clock.advance(3999);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(0);
    clock.advance(1);
    const out = await done;
    expect(out.existing.get('acme')!.size).toBe(3);
    expect(log.slice(0, 2)).toEqual(['acquire acme', 'acquire acme r1']);
  });

  it('reports a tenant whose credentials are refused with the code, and still lists the others', async () => {
    const bad = fakeClient([], [failure(401, 'APIGW.0301')]);
    const good = fakeClient(['x']);
    const { limiter, log } = fakeLimiter();
    const out = await fetchExisting(
      ['bad', 'good'],
      deps([tenant('bad', bad.client), tenant('good', good.client)], limiter),
      { concurrency: 1 },
    );
    expect(out.problems.get('bad')).toMatchObject({
      kind: 'refused',
      code: 'APIGW.0301',
      httpStatus: 401,
    });
    expect(out.existing.has('bad')).toBe(false);
    expect(bad.calls).toHaveLength(1);
    expect(log).toContain('probe bad false');
    expect(out.existing.get('good')!.get('x')).toBe('id-x');
  });

  it('retries a 500 from the first page, and pauses the tenant on a 429 without using an attempt', async () => {
    const { client, calls } = fakeClient(
      ['a'],
      [failure(500, 'RTC.00002001'), failure(429, 'APIGW.0308')],
    );
    const { limiter, log } = fakeLimiter();
    const out = await fetchExisting(['t'], deps([tenant('t', client)], limiter), {
      backoff: { baseMs: 1, capMs: 1, maxAttempts: 2 },
      throttle: { minMs: 10, capMs: 10, maxThrottles: 3 },
    });
    expect(calls).toHaveLength(3);
    expect(log).toContain('pause t 1010');
    expect(out.existing.get('t')!.has('a')).toBe(true);
    expect(out.calls).toBe(3);
  });

  it('replaces a refused IAM token once before reporting the tenant as refused', async () => {
    const { client, calls } = fakeClient(['a'], [failure(401, 'APIGW.0303')]);
    let invalidated = 0;
    client.invalidateToken = () => void invalidated++;
    const { limiter } = fakeLimiter();
    const out = await fetchExisting(
      ['t'],
      deps([{ ...tenant('t', client), refreshable: true }], limiter),
    );
    expect(invalidated).toBe(1);
    expect(calls).toHaveLength(2);
    expect(out.existing.get('t')!.has('a')).toBe(true);

    const again = fakeClient([], [failure(401, 'APIGW.0303'), failure(401, 'APIGW.0303')]);
    const refused = await fetchExisting(
      ['t'],
      deps([{ ...tenant('t', again.client), refreshable: true }], limiter),
    );
    expect(again.calls).toHaveLength(2);
    expect(refused.problems.get('t')).toMatchObject({ kind: 'refused', code: 'APIGW.0303' });
  });

  it('gives up after the attempts and records the tenant as failed, not the whole fetch', async () => {
    const { client } = fakeClient([], [failure(503, 'APIGW.0201'), failure(503, 'APIGW.0201')]);
    const { limiter } = fakeLimiter();
    const out = await fetchExisting(['t'], deps([tenant('t', client)], limiter), {
      backoff: { baseMs: 1, capMs: 1, maxAttempts: 2 },
    });
    expect(out.problems.get('t')).toMatchObject({
      kind: 'failed',
      code: 'APIGW.0201',
      httpStatus: 503,
    });
  });

  it('a tenant without credentials is `unknown`; a held tenant is an error', async () => {
    const { limiter } = fakeLimiter();
    const out = await fetchExisting(['ghost'], deps([], limiter));
    expect(out.problems.get('ghost')).toMatchObject({
      kind: 'unknown',
      code: 'ERR_UNKNOWN_TENANT',
    });

    const { client } = fakeClient([]);
    const held = fakeLimiter([{ kind: 'held', now: 0 }]);
    await expect(fetchExisting(['t'], deps([tenant('t', client)], held.limiter))).rejects.toThrow(
      /held/,
    );
  });

  it('lists at most `concurrency` tenants at a time', async () => {
    let inFlight = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const gate = () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      return new Promise<void>((r) =>
        release.push(() => {
          inFlight--;
          r();
        }),
      );
    };
    const tenants = ['a', 'b', 'c', 'd', 'e'].map((id) =>
      tenant(id, fakeClient([id], [], gate).client),
    );
    const { limiter } = fakeLimiter();
    const done = fetchExisting(
      tenants.map((t) => t.id),
      deps(tenants, limiter),
      { concurrency: 2 },
    );
    for (let served = 0; served < 5; served++) {
      while (release.length === 0) await new Promise((r) => setImmediate(r));
      release.shift()!();
    }
    const out = await done;
    expect(peak).toBe(2);
    expect([...out.existing.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
