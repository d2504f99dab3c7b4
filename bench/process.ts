import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRunStore } from '../src/runs/run-store';
import { spawnChild } from './lib/child';
import { benchEmulator, countStatus, writeTenantList } from './lib/emulator';
import { enqueueRun } from './lib/enqueue-run';
import { writeInput } from './lib/inputs';
import type { Usage } from './lib/ipc';
import {
  commandProfile,
  redisCpuSeconds,
  resetStats,
  type CommandProfile,
} from './lib/redis-stats';
import { alternate, median, ratio, round } from './lib/stats';
import { benchTenants } from './lib/tenants';
import type { BenchContext, CaseResult, Metric } from './lib/types';
import type { WorkerChildConfig } from './lib/worker-child';

const CONCURRENCY = 50;
const PROCESSES = 1;
const QUOTA = 1_000_000;
/** The product's limiter runs, but never binds; the emulator enforces no limit. */
const HIGH_RATE = '100000/1s';

interface WorkerReport extends Usage {
  completed: number;
  failed: number;
  unexpected: number;
  ms: number;
  sent: Record<string, number>;
}

interface ProcessSample {
  jobs: number;
  ms: number;
  jobsPerSec: number;
  cpuMsPerJob: number;
  redisCpuMsPerJob: number;
  created201: number;
  failed: number;
  unexpected: number;
  settled?: number;
  commands: CommandProfile;
  /** Commands the worker process sent, by name (EVALSHA by script). */
  sent: Record<string, number>;
  sentPerJob: number;
}

/** Case 2: the product's worker vs a bare BullMQ Worker sending the same signed POST. */
export async function processCase(ctx: BenchContext): Promise<CaseResult> {
  const started = performance.now();
  const rows = ctx.quick ? 1000 : 20_000;
  const tenantCount = ctx.quick ? 100 : 1000;
  const tenants = benchTenants(tenantCount);
  const tenantsFile = await writeTenantList(join(ctx.tmp, 'process-tenants.json'), tenants);
  const file = join(ctx.tmp, `process-${rows}.csv`);
  await writeInput(file, 'csv', rows, tenantCount);
  let run = 0;

  const once = async (mode: 'product' | 'baseline'): Promise<ProcessSample> => {
    await ctx.redis.flushall();
    const emulator = await benchEmulator(tenants, { rate: false, quota: QUOTA });
    const prefix = 'benp';
    const runId = `rbench-proc-${++run}`;
    try {
      const { total } = await enqueueRun(ctx.redisUrl, prefix, runId, file);
      const config: WorkerChildConfig = {
        mode,
        redisUrl: ctx.redisUrl,
        prefix,
        endpoint: emulator.url,
        tenantsFile,
        quota: QUOTA,
        rate: HIGH_RATE,
        concurrency: CONCURRENCY,
        total,
      };
      const child = spawnChild('./worker-child.ts', config, ctx.child);
      try {
        await child.next('ready');
        const redisCpu0 = (await resetStats(ctx.redis)).cpuSec;
        child.send({ type: 'go' });
        const done = await child.next<WorkerReport & { type: string }>('done');
        const redisCpu = (await redisCpuSeconds(ctx.redis)) - redisCpu0;
        const commands = await commandProfile(ctx.redis, total, 12);
        child.send({ type: 'stop' });
        await child.next('stopped');
        await child.exited;
        const settled =
          mode === 'product'
            ? (await createRunStore(ctx.redis, prefix).counts(runId)).done
            : undefined;
        return {
          jobs: total,
          ms: round(done.ms),
          jobsPerSec: (total / done.ms) * 1000,
          cpuMsPerJob: (done.cpuUserMs + done.cpuSystemMs) / total,
          redisCpuMsPerJob: (redisCpu * 1000) / total,
          created201: countStatus(emulator, '201'),
          failed: done.failed,
          unexpected: done.unexpected,
          ...(settled !== undefined ? { settled } : {}),
          commands,
          sent: done.sent,
          sentPerJob: sum(done.sent) / total,
        };
      } finally {
        child.kill();
      }
    } finally {
      await emulator.close();
    }
  };

  ctx.log(
    `process: ${rows} rows over ${tenantCount} tenants, ${ctx.repeats} × (product, baseline)`,
  );
  const runs = await alternate(
    ctx.repeats,
    () => once('product'),
    () => once('baseline'),
  );
  await ctx.redis.flushall();
  const med = (xs: ProcessSample[], f: (s: ProcessSample) => number) => median(xs.map(f));
  const p = med(runs.product, (s) => s.jobsPerSec);
  const b = med(runs.baseline, (s) => s.jobsPerSec);
  const cmd = (s: ProcessSample) => s.commands.total / s.jobs;
  const scripts = (s: ProcessSample) => s.commands.scripts / s.jobs;
  const metrics: Metric[] = [
    {
      label: 'jobs/s',
      unit: 'jobs/s',
      product: round(p, 0),
      baseline: round(b, 0),
      ratio: ratio(p, b),
      target: 'ratio ≥ 0.85',
      pass: ratio(p, b) >= 0.85,
    },
    {
      label: 'worker CPU per job',
      unit: 'ms',
      product: round(
        med(runs.product, (s) => s.cpuMsPerJob),
        3,
      ),
      baseline: round(
        med(runs.baseline, (s) => s.cpuMsPerJob),
        3,
      ),
      ratio: ratio(
        med(runs.product, (s) => s.cpuMsPerJob),
        med(runs.baseline, (s) => s.cpuMsPerJob),
      ),
    },
    {
      label: 'Redis commands sent per job (client side)',
      unit: 'cmd/job',
      product: round(
        med(runs.product, (s) => s.sentPerJob),
        2,
      ),
      baseline: round(
        med(runs.baseline, (s) => s.sentPerJob),
        2,
      ),
      ratio: ratio(
        med(runs.product, (s) => s.sentPerJob),
        med(runs.baseline, (s) => s.sentPerJob),
      ),
    },
    {
      label: 'Redis commands executed per job (incl. inside scripts)',
      unit: 'cmd/job',
      product: round(med(runs.product, cmd), 2),
      baseline: round(med(runs.baseline, cmd), 2),
      ratio: ratio(med(runs.product, cmd), med(runs.baseline, cmd)),
    },
    {
      label: 'Redis script calls per job',
      unit: 'evalsha/job',
      product: round(med(runs.product, scripts), 2),
      baseline: round(med(runs.baseline, scripts), 2),
    },
    {
      label: 'Redis CPU per job',
      unit: 'ms',
      product: round(
        med(runs.product, (s) => s.redisCpuMsPerJob),
        3,
      ),
      baseline: round(
        med(runs.baseline, (s) => s.redisCpuMsPerJob),
        3,
      ),
    },
  ];
  const incomplete = runs.product.filter((s) => s.settled !== s.jobs || s.created201 !== s.jobs);
  return {
    id: 'process',
    title: 'Process: product workers vs bare BullMQ Worker + signed POST',
    params: {
      rows,
      tenants: tenantCount,
      concurrency: CONCURRENCY,
      processes: PROCESSES,
      productRate: HIGH_RATE,
      emulatorRate: 'none',
      quota: QUOTA,
    },
    metrics,
    samples: {
      ...runs,
      topCommandsProduct: runs.product[0]?.commands.top,
      topCommandsBaseline: runs.baseline[0]?.commands.top,
      sentPerJobProduct: perJob(runs.product[0]),
      sentPerJobBaseline: perJob(runs.baseline[0]),
    },
    notes: [
      `One worker process each, concurrency ${CONCURRENCY}; the emulator runs in the bench process, Redis is private.`,
      'Clock: from the worker starting (jobs already queued) to the last job completing.',
      `Sent per job, product: ${describe(perJob(runs.product[0]))}`,
      `Sent per job, baseline: ${describe(perJob(runs.baseline[0]))}`,
      ...(incomplete.length
        ? [`WARNING: ${incomplete.length} product run(s) did not settle every row with a 201`]
        : []),
    ],
    seconds: round((performance.now() - started) / 1000),
  };
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The worker's sent commands per job, by name: where the round trips go. */
export function perJob(s: ProcessSample | undefined): Record<string, number> | undefined {
  if (!s) return undefined;
  return Object.fromEntries(Object.entries(s.sent).map(([k, v]) => [k, round(v / s.jobs, 3)]));
}

function describe(counts: Record<string, number> | undefined): string {
  return Object.entries(counts ?? {})
    .filter(([, n]) => n >= 0.01)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}
