import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Emulator } from '../src/emulator';
import { spawnChild } from './lib/child';
import { benchEmulator, writeTenantList } from './lib/emulator';
import { enqueueRun } from './lib/enqueue-run';
import { writeInput } from './lib/inputs';
import { median, round } from './lib/stats';
import { benchTenants } from './lib/tenants';
import type { BenchContext, CaseResult, Metric } from './lib/types';
import type { WorkerChildConfig } from './lib/worker-child';

const TENANTS = 100;
const MAX = 5;
const WINDOW_MS = 1000;
const CONCURRENCY = 50;
const QUOTA = 1_000_000;

interface LimiterSample {
  seconds: number;
  /** 201s per second over the measured interval, all tenants. */
  achieved: number;
  ideal: number;
  slowestTenant: number;
  fastestTenant: number;
  /** Most calls any tenant had in one sliding window (emulator), over the whole run. */
  worstWindow: number;
  tenantsOverLimit: number;
  throttled429: number;
  /** Tenants that ran out of rows before the end (the run would understate the rate). */
  starved: number;
  /** Per call made: limiter round trips and moves to `delayed` (where waiting jobs go). */
  acquiresPerCall: number;
  delaysPerCall: number;
  sent: Record<string, number>;
}

function createdByTenant(emulator: Emulator): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, t] of Object.entries(emulator.stats().tenants))
    out.set(id, t.byStatus['201'] ?? 0);
  return out;
}

/** Case 3: 100 tenants held to 5 calls per sliding second by the product's limiter. */
export async function limiterCase(ctx: BenchContext): Promise<CaseResult> {
  const started = performance.now();
  const warmupS = ctx.quick ? 1 : 2;
  const measureS = ctx.quick ? 5 : 20;
  // Enough rows that no tenant runs dry before the end (quota is high, so none is refused).
  const perTenant = MAX * (warmupS + measureS + 3);
  const rows = TENANTS * perTenant;
  const tenants = benchTenants(TENANTS);
  const tenantsFile = await writeTenantList(join(ctx.tmp, 'limiter-tenants.json'), tenants);
  const file = join(ctx.tmp, `limiter-${rows}.csv`);
  await writeInput(file, 'csv', rows, TENANTS);
  const ideal = (TENANTS * MAX * 1000) / WINDOW_MS;
  // No baseline to alternate with: bare BullMQ has no per-tenant limit (that is BullMQ Pro).
  const repeats = ctx.quick ? 1 : Math.min(ctx.repeats, 2);
  const samples: LimiterSample[] = [];

  for (let i = 0; i < repeats; i++) {
    ctx.log(`limiter: ${TENANTS} tenants at ${MAX}/${WINDOW_MS}ms for ${measureS}s (run ${i + 1})`);
    await ctx.redis.flushall();
    const emulator = await benchEmulator(tenants, {
      rate: { max: MAX, windowMs: WINDOW_MS },
      quota: QUOTA,
    });
    try {
      await enqueueRun(ctx.redisUrl, 'benl', `rbench-lim-${i + 1}`, file);
      const config: WorkerChildConfig = {
        mode: 'product',
        redisUrl: ctx.redisUrl,
        prefix: 'benl',
        endpoint: emulator.url,
        tenantsFile,
        quota: QUOTA,
        rate: `${MAX}/${WINDOW_MS}ms`,
        concurrency: CONCURRENCY,
      };
      const child = spawnChild('./worker-child.ts', config, ctx.child);
      try {
        await child.next('ready');
        child.send({ type: 'go' });
        await sleep(warmupS * 1000);
        const before = createdByTenant(emulator);
        const t0 = performance.now();
        await sleep(measureS * 1000);
        const after = createdByTenant(emulator);
        const seconds = (performance.now() - t0) / 1000;
        child.send({ type: 'stop' });
        const stopped = await child.next<{ type: string; sent: Record<string, number> }>('stopped');
        await child.exited;
        const stats = emulator.stats();
        const calls = stats.requests;
        const sent = stopped.sent;
        const rates = [...after].map(([id, n]) => (n - (before.get(id) ?? 0)) / seconds);
        const windows = Object.values(stats.tenants).map((t) => t.maxInWindow);
        samples.push({
          seconds: round(seconds, 2),
          achieved: round(
            rates.reduce((a, b) => a + b, 0),
            1,
          ),
          ideal,
          slowestTenant: round(Math.min(...rates), 2),
          fastestTenant: round(Math.max(...rates), 2),
          worstWindow: Math.max(0, ...windows),
          tenantsOverLimit: windows.filter((w) => w > MAX).length,
          throttled429: Object.values(stats.tenants).reduce(
            (sum, t) => sum + (t.byStatus['429'] ?? 0),
            0,
          ),
          starved: [...after.values()].filter((n) => n >= perTenant).length,
          acquiresPerCall: round((sent['evalsha:rtcLimiterAcquire'] ?? 0) / calls, 2),
          delaysPerCall: round((sent['evalsha:moveToDelayed'] ?? 0) / calls, 2),
          sent,
        });
      } finally {
        child.kill();
      }
    } finally {
      await emulator.close();
    }
  }
  await ctx.redis.flushall();

  const achieved = median(samples.map((s) => s.achieved));
  const worst = Math.max(...samples.map((s) => s.worstWindow));
  const metrics: Metric[] = [
    {
      label: 'achieved calls/s (all tenants)',
      unit: 'calls/s',
      product: round(achieved, 1),
      baseline: ideal,
      ratio: round(achieved / ideal, 3),
      target: 'ratio ≥ 0.95',
      pass: achieved / ideal >= 0.95,
    },
    {
      label: 'slowest tenant calls/s',
      unit: 'calls/s',
      product: median(samples.map((s) => s.slowestTenant)),
      baseline: (MAX * 1000) / WINDOW_MS,
    },
    {
      label: 'worst sliding window (emulator)',
      unit: 'calls',
      product: worst,
      baseline: MAX,
      target: `≤ ${MAX}, every window`,
      pass: worst <= MAX,
    },
    {
      label: 'limiter acquires per call made',
      unit: 'evalsha/call',
      product: median(samples.map((s) => s.acquiresPerCall)),
    },
    {
      label: 'moves to delayed per call made',
      unit: 'moves/call',
      product: median(samples.map((s) => s.delaysPerCall)),
    },
    {
      label: '429 answers',
      unit: 'count',
      product: samples.reduce((sum, s) => sum + s.throttled429, 0),
      baseline: 0,
    },
  ];
  const starved = samples.reduce((sum, s) => sum + s.starved, 0);
  return {
    id: 'limiter',
    title: 'Limiter precision: per-tenant sliding window vs the emulator enforcing the same limit',
    params: {
      tenants: TENANTS,
      rate: `${MAX}/${WINDOW_MS}ms`,
      warmupSeconds: warmupS,
      measuredSeconds: measureS,
      rowsPerTenant: perTenant,
      concurrency: CONCURRENCY,
      repeats,
    },
    metrics,
    samples: { runs: samples },
    notes: [
      `Ideal = tenants × max / window = ${TENANTS} × ${MAX} / ${WINDOW_MS / 1000} s = ${ideal} calls/s, measured after a ${warmupS} s warm-up.`,
      'No bare-BullMQ baseline: its limiter is one fixed window per queue and cannot tell tenants apart.',
      ...(starved ? [`WARNING: ${starved} tenant(s) ran out of rows before the end`] : []),
    ],
    seconds: round((performance.now() - started) / 1000),
  };
}
