/**
 * The enqueue baseline: bare BullMQ `queue.addBulk` on pre-built jobs, in the product's chunk size,
 * with the product's job options and job ids. No parsing, no validation, no run record: the floor
 * the producer's architecture can reach. Only the addBulk calls are timed.
 */
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { jobIdFor } from '../../src/domain/job-id';
import { jobOptions, QUEUE_NAME } from '../../src/queue/provision-queue';
import { rowAt } from './inputs';
import { countSentCommands } from './command-counter';
import { childConfig, reply, runChild, usage } from './ipc';

export interface BaselineProducerConfig {
  rows: number;
  tenants: number;
  redisUrl: string;
  prefix: string;
  runId: string;
  chunkSize: number;
  attempts: number;
}

runChild(async () => {
  const sent = countSentCommands();
  const c = childConfig<BaselineProducerConfig>();
  const redis = new Redis(c.redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: c.prefix });
  try {
    const opts = jobOptions({ prefix: c.prefix, attempts: c.attempts });
    const build = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        const { tenant, appName } = rowAt(i, c.tenants);
        return {
          name: 'create-app',
          data: { runId: c.runId, tenant, appName, line: i + 2 },
          opts: { ...opts, jobId: jobIdFor(c.runId, tenant, appName) },
        };
      });
    sent.reset();
    const cpu0 = process.cpuUsage();
    // Only addBulk is timed: each chunk is built before its clock starts, so the heap holds one
    // chunk (1M pre-built jobs would be gigabytes and slow the baseline down with GC).
    let ms = 0;
    for (let i = 0; i < c.rows; i += c.chunkSize) {
      const chunk = build(i, Math.min(c.rows, i + c.chunkSize));
      const t0 = performance.now();
      await queue.addBulk(chunk);
      ms += performance.now() - t0;
    }
    await reply({
      type: 'done',
      rows: c.rows,
      queued: c.rows,
      ms,
      sent: sent.snapshot(),
      ...usage(cpu0),
    });
  } finally {
    await queue.close();
    redis.disconnect();
  }
});
