import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createTenantLimiter, type TenantLimiter } from '../../src/queue/tenant-limiter';
import { deletePrefix, testPrefix, testRedis } from '../helpers/redis';

const rate = { max: 2, windowMs: 1000 };
let redis: Redis;
let prefix: string;
let limiter: TenantLimiter;

beforeAll(() => {
  redis = testRedis();
  prefix = testPrefix('limiter');
  limiter = createTenantLimiter(redis, { prefix, guardMs: () => 0 });
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** Replays a schedule of calls: each caller keeps its reservation and retries when told. */
async function simulate(tenant: string, callers: number, until: number, step = 1) {
  const grants: number[] = [];
  const pending = Array.from({ length: callers }, () => ({
    at: 0,
    reservation: undefined as string | undefined,
    done: false,
  }));
  for (let now = 0; now <= until; now += step) {
    for (const c of pending) {
      if (c.done || c.at > now) continue;
      const d = await limiter.acquire(tenant, { rate, now, reservation: c.reservation });
      if (d.kind === 'granted') {
        grants.push(now);
        c.done = true;
      } else if (d.kind === 'wait') {
        expect(d.until).toBeGreaterThan(now);
        c.at = d.until;
        c.reservation = d.reservation;
      }
    }
  }
  return grants;
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('tenant limiter', () => {
  it('grants at most max calls in any sliding window, and wakes waiters one slot at a time', async () => {
    const grants = await simulate('t1', 9, 6000, 5);
    expect(grants).toEqual([0, 0, 1000, 1000, 2000, 2000, 3000, 3000, 4000]);
    expect(maxInAnyWindow(grants, 1000)).toBe(2);
  });

  it('a waiter that wakes late still only gets a slot that keeps every window within the limit', async () => {
    const a = await limiter.acquire('t2', { rate, now: 0 });
    const b = await limiter.acquire('t2', { rate, now: 400 });
    expect([a.kind, b.kind]).toEqual(['granted', 'granted']);
    const c = await limiter.acquire('t2', { rate, now: 500 });
    expect(c).toMatchObject({ kind: 'wait', until: 1000 });
    // A newcomer at 999 must not slip in ahead of the window.
    expect((await limiter.acquire('t2', { rate, now: 999 })).kind).toBe('wait');
    const reservation = c.kind === 'wait' ? c.reservation : undefined;
    expect((await limiter.acquire('t2', { rate, now: 1001, reservation })).kind).toBe('granted');
  });

  it('a pause (429) delays only that tenant', async () => {
    await limiter.pause('t3', (await limiter.now()) + 60_000);
    const paused = await limiter.acquire('t3', { rate });
    expect(paused.kind).toBe('wait');
    expect((await limiter.acquire('t4', { rate })).kind).toBe('granted');
  });

  it('a held tenant gets no calls and drops its reservation', async () => {
    const heldKey = `${prefix}:held`;
    await redis.hset(heldKey, 't5', 'APIGW.0301');
    expect((await limiter.acquire('t5', { rate, heldKey })).kind).toBe('held');
    expect((await limiter.acquire('t6', { rate, heldKey })).kind).toBe('granted');
  });

  it('unproven credentials are probed by one call at a time', async () => {
    const authKey = `${prefix}:auth:t7`;
    const first = await limiter.acquire('t7', { rate: { max: 100, windowMs: 1000 }, authKey });
    const second = await limiter.acquire('t7', { rate: { max: 100, windowMs: 1000 }, authKey });
    expect(first).toMatchObject({ kind: 'granted', probe: true });
    expect(second.kind).toBe('wait');
    await limiter.settleProbe('t7', authKey, true);
    const third = await limiter.acquire('t7', { rate: { max: 100, windowMs: 1000 }, authKey });
    expect(third).toMatchObject({ kind: 'granted', probe: false });
  });

  it('a global cap bounds the sum over tenants', async () => {
    const global = { max: 3, windowMs: 1000 };
    const big = { max: 100, windowMs: 1000 };
    const kinds = [];
    for (const t of ['g1', 'g2', 'g3', 'g4'])
      kinds.push((await limiter.acquire(t, { rate: big, global, now: 50 })).kind);
    expect(kinds).toEqual(['granted', 'granted', 'granted', 'wait']);
  });
});
