/**
 * Writes a run's report in its own process, so the peak RSS is the report writer's alone.
 * `product`: writeRunReport (outcomes in input order → CSV + summary). `baseline`: the same HMGET
 * batches written out as raw JSON lines — reading and writing the bytes, nothing else.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { producerConnection } from '../../src/infra/redis';
import { writeRunReport } from '../../src/runs/run-report';
import { createRunStore } from '../../src/runs/run-store';
import { runKeys } from '../../src/runs/keys';
import { childConfig, reply, runChild, usage } from './ipc';

export interface ReportChildConfig {
  mode: 'product' | 'baseline';
  redisUrl: string;
  prefix: string;
  runId: string;
  path: string;
  /** HMGET batch: the product's `outcomesInOrder` default. */
  batch: number;
}

runChild(async () => {
  const c = childConfig<ReportChildConfig>();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = c.mode === 'product' ? await product(c) : await baseline(c);
  const ms = performance.now() - t0;
  await reply({ type: 'done', rows, ms, ...usage(cpu0) });
});

async function product(c: ReportChildConfig): Promise<number> {
  const redis = producerConnection(c.redisUrl);
  try {
    const store = createRunStore(redis, c.prefix);
    const meta = await store.get(c.runId);
    if (!meta) throw new Error(`run ${c.runId} not found`);
    const written = await writeRunReport(store, meta, {
      path: c.path,
      format: 'csv',
      finishedAt: Date.now(),
    });
    return written.rows;
  } finally {
    redis.disconnect();
  }
}

async function baseline(c: ReportChildConfig): Promise<number> {
  const redis = new Redis(c.redisUrl, { maxRetriesPerRequest: 1 });
  const out = createWriteStream(c.path);
  const closed = once(out, 'close');
  try {
    const key = runKeys(c.prefix, c.runId).outcomes;
    const maxLine = Number(
      JSON.parse((await redis.hget(runKeys(c.prefix, c.runId).meta, 'maxLine')) ?? '0'),
    );
    let rows = 0;
    for (let start = 1; start <= maxLine; start += c.batch) {
      const fields: string[] = [];
      for (let l = start; l < start + c.batch && l <= maxLine; l++) fields.push(String(l));
      const values = await redis.hmget(key, ...fields);
      let chunk = '';
      for (const v of values) {
        if (v) {
          chunk += `${v}\n`;
          rows++;
        }
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await closed;
    return rows;
  } finally {
    redis.disconnect();
  }
}
