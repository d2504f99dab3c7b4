import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings';
import { openProducer, queueSettings } from '../../src/cli/runtime';
import { startEmulator } from '../../src/emulator';
import { systemClock } from '../../src/infra/clock';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/private-redis';
import { workerConnection } from '../../src/infra/redis';
import { submitRun } from '../../src/runs/submit-run';
import { writeRunReport } from '../../src/runs/run-report';
import { createRunStore } from '../../src/runs/run-store';
import { waitForRun } from '../../src/runs/wait-for-run';
import { writeFixture } from '../helpers/fixture';
import { readCsv } from '../helpers/report';
import { spawnWorker, type SpawnedWorker } from '../helpers/spawn-worker';

/** mulberry32: the kills and faults replay from the printed seed (CHAOS_SEED=… to repeat one). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('chaos', () => {
  let redis: PrivateRedis | undefined;
  const workers: SpawnedWorker[] = [];
  afterAll(async () => {
    if (process.env.CHAOS_DEBUG)
      for (const w of workers)
        console.log(
          `worker exit=${w.child.exitCode} sig=${w.child.signalCode}\n${w.output().slice(-3000)}`,
        );
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await redis?.stop();
  });

  it(
    '2,000 rows, 50 tenants, 3 workers, 5 worker kills and a Redis kill: every row exactly once',
    { timeout: Number(process.env.CHAOS_TIMEOUT ?? 240_000) },
    async () => {
      const seed = Number(process.env.CHAOS_SEED ?? randomBytes(4).readUInt32LE(0));
      console.log(`chaos seed: ${seed} (replay with CHAOS_SEED=${seed})`);
      const random = prng(seed);
      const fx = await writeFixture(50, 40);
      redis = await startPrivateRedis({ dir: join(fx.dir, 'redis'), appendOnly: true });
      const { port } = redis;
      const url = redis.url;
      const prefix = 'chaos';
      const emulator = await startEmulator({
        tenants: fx.emulatorTenants,
        defaultQuota: 1000,
        rate: { max: 100, windowMs: 1000 },
        faults: { seed, error500Rate: 0.1, ambiguousRate: 0.05, latencyMs: [5, 25] },
      });
      const args = [
        '--tenants',
        fx.tenantsPath,
        '--endpoint',
        emulator.url,
        '--prefix',
        prefix,
        '--rate',
        '100/1s',
        '--quota',
        '1000',
        '--lock-ms',
        '2000',
        '--concurrency',
        '20',
      ];
      const start = () =>
        spawnWorker(args, {
          REDIS_URL: url,
          LOG_LEVEL: process.env.CHAOS_DEBUG ? 'debug' : 'error',
        });
      for (let i = 0; i < 3; i++) workers.push(start());

      const settings = resolveSettings({ redisUrl: url, prefix }, {});
      const producer = openProducer(settings);
      const { runId } = await submitRun(
        { queue: producer.queue, store: producer.store },
        {
          source: fx.inputPath,
          format: 'csv',
          knownTenants: new Set(fx.tenantIds),
          settings: queueSettings(settings),
        },
      );
      await producer.close();

      // The watcher's connection waits through the Redis outage instead of failing.
      const watch = workerConnection(url);
      const store = createRunStore(watch, prefix);
      const killAt = [200, 500, 800, 1100, 1400];
      const redisAt = 950;
      let redisKilled = false;
      const events: string[] = [];
      let lastLog = Date.now();
      let lastDone = -1;
      const dump = async () => {
        const { Queue } = await import('bullmq');
        const q = new Queue('provision', { connection: watch, prefix });
        console.log('counts', JSON.stringify(await q.getJobCounts()));
        for (const state of [
          'active',
          'waiting',
          'delayed',
          'failed',
          'prioritized',
          'waiting-children',
        ] as const) {
          const jobs = await q.getJobs([state], 0, 3);
          for (const j of jobs)
            console.log(
              state,
              j.id,
              JSON.stringify(j.data),
              'attemptsMade',
              j.attemptsMade,
              'delay',
              j.delay,
              'ts',
              j.timestamp,
              'failed',
              j.failedReason,
              'stack',
              (j.stacktrace ?? []).slice(-1).join('').slice(0, 300),
            );
        }
        console.log(
          'held',
          JSON.stringify(await watch.hgetall(`${prefix}:run:${runId}:held`)),
          'full',
          JSON.stringify(await watch.hgetall(`${prefix}:run:${runId}:full`)),
        );
        console.log(
          'limit keys',
          (await watch.keys(`${prefix}:limit:*`)).length,
          'probes',
          JSON.stringify(await watch.keys(`${prefix}:limit:*:probe`)),
          JSON.stringify(await watch.keys(`${prefix}:limit:*:pause`)),
        );
      };
      const chaos: Array<Promise<void>> = [];
      await waitForRun(store, runId, {
        clock: systemClock,
        intervalMs: 25,
        onTick: (p) => {
          const done = p.counts.done;
          if (Date.now() - lastLog > 2000) {
            lastLog = Date.now();
            console.log(`chaos progress: ${done}/2000 ${JSON.stringify(p.counts.byStatus)}`);
            if (process.env.CHAOS_DEBUG && done === lastDone) void dump();
            lastDone = done;
          }
          while (killAt.length && done >= killAt[0]!) {
            killAt.shift();
            const i = Math.floor(random() * workers.length);
            workers[i]!.child.kill('SIGKILL');
            workers[i] = start();
            events.push(`worker ${i} killed at ${done}`);
          }
          if (!redisKilled && done >= redisAt) {
            redisKilled = true;
            events.push(`redis killed at ${done}`);
            const old = redis!;
            chaos.push(
              (async () => {
                old.process.kill('SIGKILL');
                await old.stop();
                redis = await startPrivateRedis({
                  dir: join(fx.dir, 'redis'),
                  appendOnly: true,
                  port,
                });
              })(),
            );
          }
        },
      });
      await Promise.all(chaos);
      console.log(`chaos events: ${events.join('; ')}`);
      expect(events).toHaveLength(6);

      const meta = (await store.get(runId))!;
      const reportPath = join(fx.dir, 'report.csv');
      await writeRunReport(store, meta, {
        path: reportPath,
        format: 'csv',
        finishedAt: Date.now(),
      });
      const counts = await store.counts(runId);
      watch.disconnect();
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));

      const rows = await readCsv(reportPath);
      expect(rows).toHaveLength(2000);
      expect(rows.map((r) => r.app_name)).toEqual(fx.names);
      const apps = emulator.apps();
      await emulator.close();
      const appNames = apps.map((a) => a.app_name);
      expect(new Set(appNames).size).toBe(appNames.length);
      const idByName = new Map(apps.map((a) => [a.app_name, a.app_id]));
      const failed = rows.filter((r) => r.status === 'failed');
      for (const r of rows) {
        if (r.status === 'created') expect(r.app_id).toBe(idByName.get(r.app_name!));
        else expect(r.status).toBe('failed');
      }
      // A row fails only when its retries were really used up, and the report says so; its name
      // was then not created (ambiguous attempts are looked up before giving up).
      for (const r of failed) {
        expect(r.error_msg).toMatch(/gave up after 6 attempts/);
        expect(idByName.has(r.app_name!)).toBe(false);
      }
      expect(apps).toHaveLength(2000 - failed.length);
      // The run's counters equal the report's counts.
      expect(counts.done).toBe(2000);
      expect(counts.byStatus.created).toBe(rows.length - failed.length);
      expect(counts.byStatus.failed).toBe(failed.length);
    },
  );
});
