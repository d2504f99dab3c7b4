import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Outcome } from '../domain/outcome';
import { STATUSES, type Status } from '../domain/status';
import { runKeys, runsIndexKey } from './keys';

const SET_OUTCOME = readFileSync(new URL('./set-outcome.lua', import.meta.url), 'utf8');

export type RunState = 'enqueuing' | 'running' | 'finished';

export interface RunMeta {
  id: string;
  source: string;
  format: string;
  createdAt: number;
  state: RunState;
  finishedAt?: number;
  /** Rows read from the input (valid + problems); known once `enqueueDone`. */
  total?: number;
  /** Highest line number seen; the report reads lines 1..maxLine. */
  maxLine?: number;
  enqueueDone: boolean;
  extraColumns: string[];
  tenants: string[];
  /** Options the run was started with that later commands (`resume`) need; no secrets. */
  options: Record<string, unknown>;
}

export type TenantCounts = Partial<Record<Status | 'held', number>>;

export interface RunCounts {
  /** Rows with a final outcome. */
  done: number;
  /** Rows whose tenant is held (provisional `auth_failed`). */
  held: number;
  byStatus: Record<Status, number>;
  byTenant: Record<string, TenantCounts>;
}

export interface HoldReason {
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
  at: string;
}

export type RunStore = ReturnType<typeof createRunStore>;

export function createRunStore(redis: Redis, prefix: string) {
  if (!('rtcSetOutcome' in redis))
    redis.defineCommand('rtcSetOutcome', { numberOfKeys: 4, lua: SET_OUTCOME });
  const setOutcomeCmd = (
    target: Redis | ReturnType<Redis['pipeline']>,
    runId: string,
    o: Outcome,
    keepFinal: boolean,
  ) => {
    const k = runKeys(prefix, runId);
    return (target as unknown as Record<string, (...a: unknown[]) => Promise<number>>)
      .rtcSetOutcome!(
      k.outcomes,
      k.counts,
      k.inflight,
      k.meta,
      String(o.line),
      JSON.stringify(o),
      o.status,
      o.tenant,
      o.held ? '1' : '0',
      keepFinal ? '1' : '0',
    );
  };

  return {
    prefix,
    keys: (runId: string) => runKeys(prefix, runId),

    async create(meta: RunMeta): Promise<void> {
      await redis
        .multi()
        .hset(runKeys(prefix, meta.id).meta, serialize(meta))
        .zadd(runsIndexKey(prefix), meta.createdAt, meta.id)
        .exec();
    },

    async get(runId: string): Promise<RunMeta | undefined> {
      const raw = await redis.hgetall(runKeys(prefix, runId).meta);
      return raw.id ? deserialize(raw) : undefined;
    },

    async update(runId: string, patch: Partial<RunMeta>): Promise<void> {
      await redis.hset(runKeys(prefix, runId).meta, serialize(patch));
    },

    /** Back to `running` (resume): the run finishes again, with a new time, when its rows do. */
    async reopen(runId: string): Promise<void> {
      const key = runKeys(prefix, runId).meta;
      await redis
        .multi()
        .hset(key, 'state', JSON.stringify('running'))
        .hdel(key, 'finishedAt')
        .exec();
    },

    async list(limit = 50): Promise<RunMeta[]> {
      const ids = await redis.zrevrange(runsIndexKey(prefix), 0, limit - 1);
      const metas = await Promise.all(ids.map((id) => this.get(id)));
      return metas.filter((m): m is RunMeta => m !== undefined);
    },

    /** Idempotent: a row processed twice overwrites its own outcome. `keepFinal` never replaces a final one. */
    async setOutcome(
      runId: string,
      outcome: Outcome,
      options: { keepFinal?: boolean } = {},
    ): Promise<boolean> {
      return (await setOutcomeCmd(redis, runId, outcome, options.keepFinal ?? false)) === 1;
    },

    async setOutcomes(
      runId: string,
      outcomes: Outcome[],
      options: { keepFinal?: boolean } = {},
    ): Promise<void> {
      if (outcomes.length === 0) return;
      const pipe = redis.pipeline();
      for (const o of outcomes) void setOutcomeCmd(pipe, runId, o, options.keepFinal ?? false);
      await pipe.exec();
    },

    async getOutcome(runId: string, line: number): Promise<Outcome | undefined> {
      const raw = await redis.hget(runKeys(prefix, runId).outcomes, String(line));
      return raw ? (JSON.parse(raw) as Outcome) : undefined;
    },

    /** Outcomes in input order, read in batches (the report never holds them all). */
    async *outcomesInOrder(runId: string, maxLine: number, batch = 2000): AsyncGenerator<Outcome> {
      const key = runKeys(prefix, runId).outcomes;
      for (let start = 1; start <= maxLine; start += batch) {
        const fields: string[] = [];
        for (let l = start; l < start + batch && l <= maxLine; l++) fields.push(String(l));
        const values = await redis.hmget(key, ...fields);
        for (const v of values) if (v) yield JSON.parse(v) as Outcome;
      }
    },

    async outcomeCount(runId: string): Promise<number> {
      return redis.hlen(runKeys(prefix, runId).outcomes);
    },

    async counts(runId: string): Promise<RunCounts> {
      const raw = await redis.hgetall(runKeys(prefix, runId).counts);
      return parseCounts(raw);
    },

    /** Opens the tenant's auth circuit breaker; true for the call that opened it. */
    async hold(runId: string, tenant: string, reason: HoldReason): Promise<boolean> {
      return (
        (await redis.hsetnx(runKeys(prefix, runId).held, tenant, JSON.stringify(reason))) === 1
      );
    },

    async held(runId: string): Promise<Record<string, HoldReason>> {
      const raw = await redis.hgetall(runKeys(prefix, runId).held);
      return Object.fromEntries(
        Object.entries(raw).map(([t, v]) => [t, JSON.parse(v) as HoldReason]),
      );
    },

    async unhold(runId: string, tenants: string[]): Promise<void> {
      if (tenants.length) await redis.hdel(runKeys(prefix, runId).held, ...tenants);
    },

    async markFull(runId: string, tenant: string): Promise<void> {
      await redis.hset(runKeys(prefix, runId).full, tenant, '1');
    },

    async isFull(runId: string, tenant: string): Promise<boolean> {
      return (await redis.hexists(runKeys(prefix, runId).full, tenant)) === 1;
    },

    /** One round trip before a job runs: its outcome so far, whether its tenant is full, whether it was mid-call. */
    async preflight(
      runId: string,
      line: number,
      tenant: string,
    ): Promise<{ outcome?: Outcome; full: boolean; inflight: boolean; existing: number }> {
      const k = runKeys(prefix, runId);
      const res = await redis
        .pipeline()
        .hget(k.outcomes, String(line))
        .hexists(k.full, tenant)
        .hexists(k.inflight, String(line))
        .hget(k.existing, tenant)
        .exec();
      if (!res) throw new Error('preflight: empty pipeline reply');
      for (const [err] of res) if (err) throw err;
      const raw = res[0]![1] as string | null;
      return {
        ...(raw ? { outcome: JSON.parse(raw) as Outcome } : {}),
        full: res[1]![1] === 1,
        inflight: res[2]![1] === 1,
        existing: Number(res[3]![1] ?? 0),
      };
    },

    /** Jobs parked while their tenant is held, so `resume` can wake exactly those. */
    async addParked(runId: string, tenant: string, jobId: string): Promise<void> {
      await redis.sadd(`${runKeys(prefix, runId).held}:${tenant}`, jobId);
    },

    async takeParked(runId: string, tenant: string): Promise<string[]> {
      const key = `${runKeys(prefix, runId).held}:${tenant}`;
      const ids = await redis.smembers(key);
      await redis.del(key);
      return ids;
    },

    /** Records that a create for this row may be on the wire, so a re-run after a crash reconciles. */
    async markInflight(runId: string, line: number): Promise<void> {
      await redis.hset(runKeys(prefix, runId).inflight, String(line), '1');
    },

    async wasInflight(runId: string, line: number): Promise<boolean> {
      return (await redis.hexists(runKeys(prefix, runId).inflight, String(line))) === 1;
    },

    /** From the plan: how many apps each tenant already has (they use up quota). */
    async setExisting(runId: string, counts: Record<string, number>): Promise<void> {
      if (Object.keys(counts).length) await redis.hset(runKeys(prefix, runId).existing, counts);
    },

    async delete(runId: string): Promise<void> {
      const k = runKeys(prefix, runId);
      await redis
        .multi()
        .del(...Object.values(k).filter((v): v is string => typeof v === 'string'))
        .zrem(runsIndexKey(prefix), runId)
        .exec();
    },
  };
}

export function parseCounts(raw: Record<string, string>): RunCounts {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const byTenant: Record<string, TenantCounts> = {};
  for (const [field, value] of Object.entries(raw)) {
    const n = Number(value);
    if (field.startsWith('t|')) {
      const cut = field.lastIndexOf('|');
      const tenant = field.slice(2, cut);
      const status = field.slice(cut + 1) as Status | 'held';
      if (n !== 0) (byTenant[tenant] ??= {})[status] = n;
    } else if (field in byStatus) {
      byStatus[field as Status] = n;
    }
  }
  return { done: Number(raw.done ?? 0), held: Number(raw.held ?? 0), byStatus, byTenant };
}

function serialize(meta: Partial<RunMeta>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) if (v !== undefined) out[k] = JSON.stringify(v);
  return out;
}

function deserialize(raw: Record<string, string>): RunMeta {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = JSON.parse(v);
  return out as unknown as RunMeta;
}
