import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { RateLimit } from '../config/rate';

const SCRIPT = readFileSync(new URL('./tenant-limiter.lua', import.meta.url), 'utf8');
const CONFIRM = `local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', 'GT', ms, ARGV[1])
if KEYS[2] ~= '' then redis.call('ZADD', KEYS[2], 'XX', 'GT', ms, ARGV[1]) end
return ms`;

/**
 * Why our own limiter and not BullMQ's: BullMQ's `limiter` is one fixed window per queue, which
 * lets up to twice the limit through at window edges and cannot tell tenants apart (per-group
 * limits are BullMQ Pro). This one is a sliding log per tenant in Redis, shared by every worker in
 * every process, with reservations so waiting jobs wake one per free slot instead of all at once.
 */
export type LimiterDecision =
  | { kind: 'granted'; at: number; probe: boolean; quotaProbe: boolean; grant: string }
  | { kind: 'full'; now: number }
  | { kind: 'wait'; until: number; reservation: string; now: number }
  | { kind: 'held'; now: number };

export interface AcquireOptions {
  rate: RateLimit;
  global?: RateLimit;
  /** The caller's reservation from an earlier `wait`, if any. */
  reservation?: string;
  /** The run's held-tenants hash; a held tenant gets no calls. */
  heldKey?: string;
  /** Key that exists once these credentials have been accepted; until then calls go one at a time. */
  authKey?: string;
  /** On a grant, mark `field` in this hash (the run's in-flight rows) in the same round trip. */
  inflight?: { key: string; field: string };
  /** For creates: the run's quota gate (see tenant-limiter.lua). */
  quota?: { budgetKey: string; probeKey: string; fullKey: string; initial: number };
  /** Testing only: the time to decide at (production uses Redis's clock, shared by all machines). */
  now?: number;
}

export interface TenantLimiter {
  acquire(tenant: string, options: AcquireOptions): Promise<LimiterDecision>;
  /** A 429 pauses the tenant (and only it) until `until` (ms, Redis clock). */
  pause(tenant: string, until: number): Promise<void>;
  /** Marks the tenant's credentials as good, or drops the probe after a failed one. */
  settleProbe(tenant: string, authKey: string, accepted: boolean): Promise<void>;
  /**
   * After the answer came back: move the grant to now. The request reached the API somewhere
   * between grant and answer, so later grants measured from the answer can never land within a
   * window of it, whatever the event-loop or network delay was.
   */
  confirm(tenant: string, grant: string, global: boolean): Promise<void>;
  /** After a create: give back the quota unit when nothing was created; end a quota probe. */
  settleQuota(
    quota: { budgetKey: string; probeKey: string },
    refund: boolean,
    wasProbe: boolean,
  ): Promise<void>;
  /** Redis's clock in ms. */
  now(): Promise<number>;
  /** Effective window: the configured one plus a guard for the time between grant and arrival. */
  windowOf(rate: RateLimit): number;
}

export interface LimiterOptions {
  prefix: string;
  /** Added to every window; covers the gap between a grant and the request reaching the API. */
  guardMs?: (rate: RateLimit) => number;
  probeTtlMs?: number;
}

/** 2 % of the window, at least 25 ms and at most 2 s. */
export const defaultGuard = (rate: RateLimit): number =>
  Math.min(2000, Math.max(25, Math.round(rate.windowMs * 0.02)));

export function createTenantLimiter(redis: Redis, options: LimiterOptions): TenantLimiter {
  const guard = options.guardMs ?? defaultGuard;
  const probeTtl = options.probeTtlMs ?? 60_000;
  const key = (tenant: string) => `${options.prefix}:limit:${tenant}`;
  const globalKey = `${options.prefix}:limit:_global`;
  const windowOf = (rate: RateLimit) => rate.windowMs + guard(rate);
  if (!('rtcLimiterAcquire' in redis)) {
    redis.defineCommand('rtcLimiterAcquire', { numberOfKeys: 10, lua: SCRIPT });
  }
  if (!('rtcLimiterConfirm' in redis))
    redis.defineCommand('rtcLimiterConfirm', { numberOfKeys: 2, lua: CONFIRM });
  const run = (
    redis as unknown as Record<
      string,
      (...args: unknown[]) => Promise<[number, number, string, number, string?]>
    >
  ).rtcLimiterAcquire!.bind(redis);

  return {
    windowOf,
    async acquire(tenant, o) {
      const reply = await run(
        key(tenant),
        `${key(tenant)}:pause`,
        o.global ? globalKey : '',
        o.heldKey ?? '',
        o.authKey ?? '',
        o.authKey ? `${key(tenant)}:probe` : '',
        o.inflight?.key ?? '',
        o.quota?.budgetKey ?? '',
        o.quota?.probeKey ?? '',
        o.quota?.fullKey ?? '',
        o.now === undefined ? '' : String(o.now),
        o.rate.max,
        windowOf(o.rate),
        o.global?.max ?? 0,
        o.global ? windowOf(o.global) : 0,
        o.reservation ?? '',
        tenant,
        probeTtl,
        randomUUID(),
        o.inflight?.field ?? '',
        o.quota?.initial ?? 0,
      );
      const [code, at, extra, now, grant] = reply;
      if (code === 1) {
        return {
          kind: 'granted',
          at,
          probe: extra.includes('a'),
          quotaProbe: extra.includes('q'),
          grant: grant ?? '',
        };
      }
      if (code === -2) return { kind: 'full', now };
      if (code === -1) return { kind: 'held', now };
      return { kind: 'wait', until: at, reservation: extra, now };
    },
    async pause(tenant, until) {
      // Keep the later of two pauses; PX so the key cleans itself up.
      const k = `${key(tenant)}:pause`;
      const current = Number((await redis.get(k)) ?? 0);
      if (until > current)
        await redis.set(k, String(until), 'PX', Math.max(1, until - (await this.now()) + 1000));
    },
    async settleProbe(tenant, authKey, accepted) {
      const multi = redis.multi();
      if (accepted) multi.set(authKey, '1', 'EX', 24 * 3600);
      multi.del(`${key(tenant)}:probe`);
      await multi.exec();
    },
    async confirm(tenant, grant, global) {
      await (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)
        .rtcLimiterConfirm!(key(tenant), global ? globalKey : '', grant);
    },
    async settleQuota(quota, refund, wasProbe) {
      if (wasProbe) await redis.del(quota.probeKey);
      else if (refund) await redis.incr(quota.budgetKey);
    },
    async now() {
      const [s, us] = await redis.time();
      return Number(s) * 1000 + Math.floor(Number(us) / 1000);
    },
  };
}
