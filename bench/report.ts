import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Outcome } from '../src/domain/outcome';
import { producerConnection } from '../src/infra/redis';
import { createRunStore } from '../src/runs/run-store';
import { spawnChild } from './lib/child';
import { rowAt } from './lib/inputs';
import type { Usage } from './lib/ipc';
import type { ReportChildConfig } from './lib/report-child';
import { alternate, MB, median, ratio, round } from './lib/stats';
import type { BenchContext, CaseResult, Metric } from './lib/types';

const TENANTS = 1000;
const BATCH = 2000;
const PREFIX = 'benr';

interface Done extends Usage {
  type: 'done';
  rows: number;
  ms: number;
}

interface ReportSample extends Usage {
  rows: number;
  ms: number;
  rowsPerSec: number;
}

/** 32 hex digits that vary with `n`, without the cost of random bytes (setup of 1M rows). */
function hex32(n: number): string {
  const a = (Math.imul(n, 2654435761) >>> 0).toString(16).padStart(8, '0');
  const b = (Math.imul(n ^ 0x5bd1e995, 40503) >>> 0).toString(16).padStart(8, '0');
  return `${a}${b}${b}${a}`;
}

/** A realistic outcome: mostly created, every 20th row failed after three attempts. */
export function sampleOutcome(i: number, at: number): Outcome {
  const { tenant, appName } = rowAt(i, TENANTS);
  const rid = (salt: number) => hex32(i * 4 + salt);
  const started = new Date(at + (i % 3_600_000)).toISOString();
  const finished = new Date(at + (i % 3_600_000) + 40).toISOString();
  const base = { line: i + 2, tenant, appName, reconciled: false, extra: {} };
  if (i % 20 === 19) {
    const ids = [rid(0), rid(1), rid(2)];
    return {
      ...base,
      status: 'failed',
      httpStatus: 500,
      errorCode: 'RTC.00002001',
      errorMsg: 'gave up after 3 attempts: Internal error',
      requestId: ids[2]!,
      requestIds: ids,
      attempts: 3,
      startedAt: started,
      finishedAt: finished,
      durationMs: 40,
    };
  }
  const id = rid(0);
  return {
    ...base,
    status: 'created',
    appId: hex32(i * 4 + 3),
    httpStatus: 201,
    requestId: id,
    requestIds: [id],
    attempts: 1,
    startedAt: started,
    finishedAt: finished,
    durationMs: 40,
  };
}

/** Case 4: writing the report of a run with N outcomes (CSV + summary) vs raw HMGET → file. */
export async function reportCase(ctx: BenchContext): Promise<CaseResult> {
  const started = performance.now();
  const rows = ctx.quick ? 2000 : 1_000_000;
  const runId = 'rbench-report';
  await ctx.redis.flushall();

  ctx.log(`report: storing ${rows} outcomes (RunStore.setOutcomes, batches of 5000)`);
  const setupStarted = performance.now();
  const redis = producerConnection(ctx.redisUrl);
  try {
    const store = createRunStore(redis, PREFIX);
    const at = Date.now();
    await store.create({
      id: runId,
      source: 'bench',
      format: 'csv',
      createdAt: at,
      state: 'finished',
      enqueueDone: true,
      total: rows,
      maxLine: rows + 1,
      extraColumns: [],
      tenants: [],
      options: {},
    });
    for (let i = 0; i < rows; i += 5000) {
      const batch: Outcome[] = [];
      for (let j = i; j < Math.min(rows, i + 5000); j++) batch.push(sampleOutcome(j, at));
      await store.setOutcomes(runId, batch);
    }
  } finally {
    redis.disconnect();
  }
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const once = async (mode: 'product' | 'baseline', i: number): Promise<ReportSample> => {
    const config: ReportChildConfig = {
      mode,
      redisUrl: ctx.redisUrl,
      prefix: PREFIX,
      runId,
      path: join(ctx.tmp, `report-${mode}-${i}.${mode === 'product' ? 'csv' : 'jsonl'}`),
      batch: BATCH,
    };
    const child = spawnChild('./report-child.ts', config, ctx.child);
    const done = await child.next<Done>('done');
    await child.exited;
    if (done.rows !== rows) throw new Error(`report ${mode}: ${done.rows} rows, expected ${rows}`);
    return {
      rows: done.rows,
      ms: round(done.ms),
      rowsPerSec: (done.rows / done.ms) * 1000,
      maxRssBytes: done.maxRssBytes,
      cpuUserMs: round(done.cpuUserMs),
      cpuSystemMs: round(done.cpuSystemMs),
    };
  };

  ctx.log(`report: ${rows} outcomes, ${ctx.repeats} × (product, baseline)`);
  const runs = await alternate(
    ctx.repeats,
    (i) => once('product', i),
    (i) => once('baseline', i),
  );
  await ctx.redis.flushall();
  const p = median(runs.product.map((s) => s.rowsPerSec));
  const b = median(runs.baseline.map((s) => s.rowsPerSec));
  const metrics: Metric[] = [
    {
      label: `${rows.toLocaleString('en-US')} outcomes: rows/s`,
      unit: 'rows/s',
      product: round(p, 0),
      baseline: round(b, 0),
      ratio: ratio(p, b),
    },
    {
      label: `${rows.toLocaleString('en-US')} outcomes: peak RSS`,
      unit: 'MB',
      product: round(median(runs.product.map((s) => s.maxRssBytes)) / MB),
      baseline: round(median(runs.baseline.map((s) => s.maxRssBytes)) / MB),
    },
  ];
  return {
    id: 'report',
    title: 'Report: writeRunReport (CSV + summary) vs raw HMGET batches → file',
    params: { outcomes: rows, batch: BATCH, setupSeconds: round(setupSeconds) },
    metrics,
    samples: runs,
    notes: [
      `Setup (not timed): ${rows} outcomes stored with RunStore.setOutcomes in ${round(setupSeconds)} s (${round(rows / setupSeconds, 0)} outcomes/s).`,
      'Baseline: the same HMGET batches, each value written as a raw line: no parsing, no CSV, no summary.',
    ],
    seconds: round((performance.now() - started) / 1000),
  };
}
