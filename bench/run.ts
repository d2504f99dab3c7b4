/**
 * `npm run bench [-- --quick] [--only enqueue,process] [--repeats N] [--out file.json] [--cpu-prof DIR]`
 *
 * Runs each case's product and bare-BullMQ baseline alternately on a private redis-server, writes
 * bench/results/latest.json (machine, commit, every run) and prints a table of medians and ratios.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../src/infra/private-redis';
import { endToEndCase } from './end-to-end';
import { enqueueCase } from './enqueue';
import { limiterCase } from './limiter';
import { processCase } from './process';
import { reportCase } from './report';
import { ROOT } from './lib/child';
import { machineInfo } from './lib/machine';
import { round } from './lib/stats';
import { formatMachine, formatTable } from './lib/table';
import type { BenchContext, CaseResult } from './lib/types';

const CASES: Record<string, (ctx: BenchContext) => Promise<CaseResult>> = {
  enqueue: enqueueCase,
  process: processCase,
  limiter: limiterCase,
  report: reportCase,
  'end-to-end': endToEndCase,
};

const CASE_IDS = Object.keys(CASES);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      repeats: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : CASE_IDS;
  const unknown = only.filter((id) => !(id in CASES));
  if (unknown.length) {
    console.error(`unknown case(s): ${unknown.join(', ')} (cases: ${CASE_IDS.join(', ')})`);
    return 2;
  }
  const repeats = values.repeats ? Number(values.repeats) : quick ? 1 : 3;
  if (!Number.isInteger(repeats) || repeats < 1) {
    console.error('--repeats must be a positive integer');
    return 2;
  }
  const out = resolve(values.out ?? join(ROOT, 'bench', 'results', 'latest.json'));

  const started = performance.now();
  // Other work on the machine skews every number: record the load around the run.
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const server = await startPrivateRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const tmp = await mkdtemp(join(tmpdir(), 'rtcp-bench-'));
  const log = (m: string) =>
    console.error(`[bench ${round((performance.now() - started) / 1000)}s] ${m}`);
  const cpuProfDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
  if (cpuProfDir) await mkdir(cpuProfDir, { recursive: true });
  const ctx: BenchContext = {
    quick,
    repeats,
    redis,
    redisUrl: server.url,
    tmp,
    child: cpuProfDir ? { cpuProfDir } : {},
    log,
  };
  const results: CaseResult[] = [];
  const errors: Array<{ id: string; error: string }> = [];
  try {
    const machine = await machineInfo(redis);
    log(`machine: ${formatMachine(machine)}`);
    for (const id of only) {
      try {
        const r = await CASES[id]!(ctx);
        log(`${id}: done in ${r.seconds}s`);
        results.push(r);
      } catch (err) {
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        log(`${id}: FAILED ${error}`);
        errors.push({ id, error });
      }
    }
    const file = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      seconds: round((performance.now() - started) / 1000),
      quick,
      repeats,
      machine,
      loadAverage: { start: loadAtStart, end: loadavg().map((x) => round(x, 2)) },
      cases: results,
      errors,
    };
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(file, null, 2)}\n`);
    console.log(
      `\n${formatMachine(machine)}; ${quick ? 'quick' : 'full'} run, ${file.seconds}s; load average ${file.loadAverage.start[0]} → ${file.loadAverage.end[0]}`,
    );
    console.log(formatTable(results));
    for (const r of results) for (const n of r.notes) console.log(`- ${r.id}: ${n}`);
    console.log(`\nresults: ${out}`);
    return errors.length ? 1 : 0;
  } finally {
    redis.disconnect();
    await server.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
