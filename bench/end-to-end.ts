import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRunStore } from '../src/runs/run-store';
import { ROOT } from './lib/child';
import { writeInput } from './lib/inputs';
import { median, round } from './lib/stats';
import { benchTenants, writeTenantsFile } from './lib/tenants';
import type { BenchContext, CaseResult, Metric } from './lib/types';

const MAX = 5;
const WINDOW_S = 1;
const CONCURRENCY = 50;
const LATENCY: [number, number] = [20, 80];
const ERROR_RATE = 0.05;
const BIN = join(ROOT, 'bin', 'rtc-provisioner.mjs');

interface E2eSample {
  exitCode: number | null;
  /** Run record: created → report written. */
  runSeconds: number;
  /** The whole CLI process, start-up and shutdown included. */
  processSeconds: number;
  calls: number;
  /** Calls of the busiest tenant: it sets the ideal. */
  maxTenantCalls: number;
  idealSeconds: number;
  byStatus: Record<string, number>;
}

/**
 * The ideal wall time: the busiest tenant's c calls need at least (⌈c/max⌉ − 1) full windows
 * plus one mean latency; all calls together need calls × mean latency / concurrency.
 */
export function idealSeconds(maxTenantCalls: number, calls: number): number {
  const meanLatencyS = (LATENCY[0] + LATENCY[1]) / 2000;
  const limitBound = (Math.ceil(maxTenantCalls / MAX) - 1) * WINDOW_S + meanLatencyS;
  const concurrencyBound = (calls * meanLatencyS) / CONCURRENCY;
  return Math.max(limitBound, concurrencyBound);
}

function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Case 5: `rtc-provisioner run --emulator` with 5 % 500s and 20–80 ms latency, vs its ideal. */
export async function endToEndCase(ctx: BenchContext): Promise<CaseResult> {
  const started = performance.now();
  const tenantCount = 100;
  const rows = ctx.quick ? 300 : 10_000;
  const tenants = benchTenants(tenantCount);
  const tenantsFile = join(ctx.tmp, 'e2e-tenants.json');
  await writeTenantsFile(tenantsFile, tenants, rows);
  const file = join(ctx.tmp, `e2e-${rows}.csv`);
  await writeInput(file, 'csv', rows, tenantCount);
  const samples: E2eSample[] = [];

  for (let i = 0; i < ctx.repeats; i++) {
    ctx.log(`end-to-end: ${rows} rows over ${tenantCount} tenants (run ${i + 1}/${ctx.repeats})`);
    await ctx.redis.flushall();
    const prefix = `bene${i + 1}`;
    const report = join(ctx.tmp, `e2e-report-${i + 1}.jsonl`);
    const t0 = performance.now();
    const { code, output } = await runCli([
      'run',
      file,
      '--emulator',
      '--tenants',
      tenantsFile,
      '--emulator-faults',
      `500=${ERROR_RATE},latency=${LATENCY[0]}-${LATENCY[1]},seed=${i + 1}`,
      '--rate',
      `${MAX}/${WINDOW_S}s`,
      '--concurrency',
      String(CONCURRENCY),
      '--redis',
      ctx.redisUrl,
      '--prefix',
      prefix,
      '--report',
      report,
      '--report-format',
      'jsonl',
      '--quiet',
    ]);
    const processSeconds = (performance.now() - t0) / 1000;
    if (code !== 0 && code !== 1) throw new Error(`rtc-provisioner run exited ${code}:\n${output}`);
    const [meta] = await createRunStore(ctx.redis, prefix).list(1);
    if (!meta?.finishedAt) throw new Error(`end-to-end: no finished run under ${prefix}`);
    const perTenant = new Map<string, number>();
    const byStatus: Record<string, number> = {};
    let calls = 0;
    for (const line of (await readFile(report, 'utf8')).split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { tenant: string; status: string; request_ids: string[] };
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      calls += r.request_ids.length;
      perTenant.set(r.tenant, (perTenant.get(r.tenant) ?? 0) + r.request_ids.length);
    }
    const maxTenantCalls = Math.max(...perTenant.values());
    samples.push({
      exitCode: code,
      runSeconds: round((meta.finishedAt - meta.createdAt) / 1000, 2),
      processSeconds: round(processSeconds, 2),
      calls,
      maxTenantCalls,
      idealSeconds: round(idealSeconds(maxTenantCalls, calls), 2),
      byStatus,
    });
  }
  await ctx.redis.flushall();

  const wall = median(samples.map((s) => s.runSeconds));
  const ideal = median(samples.map((s) => s.idealSeconds));
  const failedRuns = samples.filter((s) => s.exitCode !== 0).length;
  const metrics: Metric[] = [
    {
      label: 'run wall time (enqueue → report)',
      unit: 's',
      product: wall,
      baseline: ideal,
      ratio: round(ideal / wall, 3),
    },
    {
      label: 'CLI process wall time (with start-up)',
      unit: 's',
      product: median(samples.map((s) => s.processSeconds)),
      baseline: ideal,
      ratio: round(ideal / median(samples.map((s) => s.processSeconds)), 3),
    },
    {
      label: 'API calls per row',
      unit: 'calls/row',
      product: round(median(samples.map((s) => s.calls / rows)), 3),
      baseline: round(1 / (1 - ERROR_RATE), 3),
    },
    {
      label: 'runs with every row created',
      unit: 'runs',
      product: samples.length - failedRuns,
      baseline: samples.length,
    },
  ];
  const meanLatency = (LATENCY[0] + LATENCY[1]) / 2;
  return {
    id: 'end-to-end',
    title: 'End to end: rtc-provisioner run --emulator, 5 % 500s, 20–80 ms latency',
    params: {
      rows,
      tenants: tenantCount,
      rate: `${MAX}/${WINDOW_S}s`,
      concurrency: CONCURRENCY,
      errorRate: ERROR_RATE,
      latencyMs: LATENCY,
    },
    metrics,
    samples: { runs: samples },
    notes: [
      `Ideal = max((⌈c/${MAX}⌉ − 1) × ${WINDOW_S} s + ${meanLatency} ms, C × ${meanLatency} ms / ${CONCURRENCY}), c = calls of the busiest tenant, C = all calls (both from the report's request ids); ratio = ideal / actual.`,
      'Retries wait the product’s backoff (base 500 ms, full jitter); the ideal counts no backoff.',
      ...(failedRuns
        ? [`WARNING: ${failedRuns} run(s) exited non-zero (not every row created)`]
        : []),
    ],
    seconds: round((performance.now() - started) / 1000),
  };
}
