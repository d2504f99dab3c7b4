import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnChild } from './lib/child';
import { writeInput, type BenchFormat } from './lib/inputs';
import type { MemoryPeaks, Usage } from './lib/ipc';
import { commandProfile, resetStats, type CommandProfile } from './lib/redis-stats';
import { alternate, MB, median, ratio, round } from './lib/stats';
import type { BenchContext, CaseResult, Metric } from './lib/types';

const TENANTS = 1000;
const CHUNK = 1000;
const RSS_LIMIT_MB = 250;

interface EnqueueSample extends Usage {
  rows: number;
  ms: number;
  rowsPerSec: number;
  commands: CommandProfile;
  sent: Record<string, number>;
  /** Producer only: RSS at start and heap peaks, to show where the peak RSS goes. */
  memory?: MemoryPeaks;
}

interface Done extends Usage {
  type: 'done';
  rows: number;
  ms: number;
  sent: Record<string, number>;
  memory?: MemoryPeaks;
}

/** Case 1: the product's producer (readInput → enqueueItems) vs bare `queue.addBulk`. */
export async function enqueueCase(ctx: BenchContext): Promise<CaseResult> {
  const started = performance.now();
  const sizes = ctx.quick
    ? [{ rows: 2000, repeats: 1 }]
    : [
        { rows: 100_000, repeats: ctx.repeats },
        { rows: 1_000_000, repeats: ctx.repeats },
      ];
  const big = sizes[sizes.length - 1]!.rows;
  const metrics: Metric[] = [];
  const samples: Record<string, unknown> = {};
  let run = 0;

  const product = async (file: string, format: BenchFormat): Promise<EnqueueSample> => {
    await ctx.redis.flushall();
    await resetStats(ctx.redis);
    const child = spawnChild(
      './producer-child.ts',
      {
        file,
        format,
        redisUrl: ctx.redisUrl,
        prefix: 'benq',
        runId: `rbench-enq-${++run}`,
        chunkSize: CHUNK,
      },
      ctx.child,
    );
    const done = await child.next<Done>('done');
    await child.exited;
    return sample(done, await commandProfile(ctx.redis, done.rows));
  };

  const baseline = async (rows: number): Promise<EnqueueSample> => {
    await ctx.redis.flushall();
    await resetStats(ctx.redis);
    const child = spawnChild(
      './baseline-producer-child.ts',
      {
        rows,
        tenants: TENANTS,
        redisUrl: ctx.redisUrl,
        prefix: 'benq',
        runId: `rbench-enq-${++run}`,
        chunkSize: CHUNK,
        // What the CLI passes: settings.attempts (6) + 3.
        attempts: 9,
      },
      ctx.child,
    );
    const done = await child.next<Done>('done');
    await child.exited;
    return sample(done, await commandProfile(ctx.redis, done.rows));
  };

  for (const { rows, repeats } of sizes) {
    const file = join(ctx.tmp, `enqueue-${rows}.csv`);
    await writeInput(file, 'csv', rows, TENANTS);
    ctx.log(`enqueue: ${rows} CSV rows, ${repeats} × (product, baseline)`);
    const runs = await alternate(
      repeats,
      () => product(file, 'csv'),
      () => baseline(rows),
    );
    const p = median(runs.product.map((s) => s.rowsPerSec));
    const b = median(runs.baseline.map((s) => s.rowsPerSec));
    const rss = median(runs.product.map((s) => s.maxRssBytes)) / MB;
    const label = `CSV ${rows.toLocaleString('en-US')}`;
    metrics.push(
      {
        label: `${label}: rows/s`,
        unit: 'rows/s',
        product: round(p, 0),
        baseline: round(b, 0),
        ratio: ratio(p, b),
        target: 'ratio ≥ 0.9',
        pass: ratio(p, b) >= 0.9,
      },
      {
        label: `${label}: producer peak RSS`,
        unit: 'MB',
        product: round(rss),
        baseline: round(median(runs.baseline.map((s) => s.maxRssBytes)) / MB),
        ...(rows === big ? { target: `≤ ${RSS_LIMIT_MB} MB`, pass: rss <= RSS_LIMIT_MB } : {}),
      },
      {
        label: `${label}: producer RSS before reading (Node, tsx, modules)`,
        unit: 'MB',
        product: round(median(runs.product.map((s) => s.memory?.startRssBytes ?? NaN)) / MB),
      },
      {
        label: `${label}: producer peak V8 heap`,
        unit: 'MB',
        product: round(median(runs.product.map((s) => s.memory?.heapTotalBytes ?? NaN)) / MB),
      },
      {
        label: `${label}: Redis commands/row`,
        unit: 'cmd/row',
        product: round(median(runs.product.map((s) => s.commands.total / s.rows)), 2),
        baseline: round(median(runs.baseline.map((s) => s.commands.total / s.rows)), 2),
      },
    );
    samples[`csv-${rows}`] = runs;
  }

  for (const format of ['json', 'jsonl'] as const) {
    const file = join(ctx.tmp, `enqueue-${big}.${format}`);
    await writeInput(file, format, big, TENANTS);
    ctx.log(`enqueue: ${big} ${format} rows (peak RSS)`);
    const s = await product(file, format);
    const rss = s.maxRssBytes / MB;
    metrics.push(
      {
        label: `${format.toUpperCase()} ${big.toLocaleString('en-US')}: producer peak RSS`,
        unit: 'MB',
        product: round(rss),
        target: `≤ ${RSS_LIMIT_MB} MB`,
        pass: rss <= RSS_LIMIT_MB,
      },
      {
        label: `${format.toUpperCase()} ${big.toLocaleString('en-US')}: rows/s`,
        unit: 'rows/s',
        product: round(s.rowsPerSec, 0),
      },
    );
    samples[`${format}-${big}`] = s;
  }
  await ctx.redis.flushall();

  return {
    id: 'enqueue',
    title: 'Enqueue: readInput → enqueueItems vs bare queue.addBulk',
    params: { sizes, tenants: TENANTS, chunkSize: CHUNK },
    metrics,
    samples,
    notes: [
      'Both sides run in a child process (peak RSS = process.resourceUsage().maxRSS of that child).',
      'Baseline: each chunk of jobs (same data, job ids and options) is built first; only its addBulk is timed.',
      'Peak RSS includes ~75 MB of Node + tsx loader and ~55 MB of loaded modules before the first row (see "RSS before reading").',
      'Commands/row count every Redis command, including those run inside BullMQ scripts.',
    ],
    seconds: round((performance.now() - started) / 1000),
  };
}

function sample(done: Done, commands: CommandProfile): EnqueueSample {
  return {
    rows: done.rows,
    ms: round(done.ms),
    rowsPerSec: (done.rows / done.ms) * 1000,
    maxRssBytes: done.maxRssBytes,
    cpuUserMs: round(done.cpuUserMs),
    cpuSystemMs: round(done.cpuSystemMs),
    commands,
    sent: done.sent,
    ...(done.memory ? { memory: done.memory } : {}),
  };
}
