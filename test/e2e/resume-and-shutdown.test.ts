import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings';
import { openProducer } from '../../src/cli/runtime';
import { startEmulator } from '../../src/emulator';
import { systemClock } from '../../src/infra/clock';
import { waitForRun } from '../../src/runs/wait-for-run';
import { BIN, ROOT, runCli } from '../helpers/cli';
import { writeFixture } from '../helpers/fixture';
import { readCsv } from '../helpers/report';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';
import { spawnWorker } from '../helpers/spawn-worker';

const prefixes: string[] = [];
afterAll(async () => {
  const r = testRedis();
  for (const p of prefixes) await deletePrefix(r, p);
  r.disconnect();
});

function common(prefix: string, tenantsPath: string, url: string): string[] {
  return [
    '--tenants',
    tenantsPath,
    '--endpoint',
    url,
    '--prefix',
    prefix,
    '--rate',
    '100/1s',
    '--quota',
    '1000',
    '--lock-ms',
    '2000',
  ];
}

describe('interrupted runs', () => {
  it('SIGKILL of `run`, then `resume`: every row once, nothing created twice, same report as an uninterrupted run', async () => {
    const prefix = testPrefix('kill');
    prefixes.push(prefix);
    const fx = await writeFixture(5, 60);
    const emulator = await startEmulator({
      tenants: fx.emulatorTenants,
      defaultQuota: 1000,
      rate: false,
      faults: { latencyMs: [20, 40] },
    });
    const settings = resolveSettings({ redisUrl: redisUrl(), prefix }, {});
    const producer = openProducer(settings);
    try {
      const child = spawn(
        process.execPath,
        [
          BIN,
          'run',
          fx.inputPath,
          ...common(prefix, fx.tenantsPath, emulator.url),
          '--concurrency',
          '10',
        ],
        {
          cwd: ROOT,
          env: { ...process.env, REDIS_URL: redisUrl() },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = once(child, 'exit');
      // Wait for the run to exist and be a third done, then kill it without warning.
      const runId = await new Promise<string>((resolve) => {
        const onData = () => {
          const m = /"run":"(r[\w-]+)"/.exec(stderr);
          if (m) {
            child.stderr.off('data', onData);
            resolve(m[1]!);
          }
        };
        child.stderr.on('data', onData);
      });
      const controller = new AbortController();
      await waitForRun(producer.store, runId, {
        clock: systemClock,
        intervalMs: 20,
        signal: controller.signal,
        onTick: (p) => {
          if (p.counts.done >= 100) controller.abort();
        },
      }).catch(() => {});
      child.kill('SIGKILL');
      await exited;
      const before = await producer.store.counts(runId);
      expect(before.done).toBeLessThan(300);

      const report = join(fx.dir, 'resumed.csv');
      const resumed = await runCli(
        ['resume', runId, ...common(prefix, fx.tenantsPath, emulator.url), '--report', report],
        { env: { REDIS_URL: redisUrl() } },
      );
      expect(resumed.stderr).not.toMatch(/rtc-provisioner: /);
      expect(resumed.code).toBe(0);
      const rows = await readCsv(report);
      expect(rows).toHaveLength(300);
      expect(rows.map((r) => r.app_name)).toEqual(fx.names);
      expect(rows.every((r) => r.status === 'created')).toBe(true);
      const apps = emulator.apps();
      expect(apps).toHaveLength(300);
      expect(apps.every((a) => a.created201 <= 1)).toBe(true);
      const ids = new Map(apps.map((a) => [a.app_name, a.app_id]));
      for (const r of rows) expect(r.app_id).toBe(ids.get(r.app_name!));
    } finally {
      await producer.close();
      await emulator.close();
    }
  });

  it('SIGTERM to `work`: in-flight calls finish, exit 0, and another worker completes the rest', async () => {
    const prefix = testPrefix('term');
    prefixes.push(prefix);
    const fx = await writeFixture(4, 50);
    const emulator = await startEmulator({
      tenants: fx.emulatorTenants,
      defaultQuota: 1000,
      rate: false,
      faults: { latencyMs: [100, 200] },
    });
    const settings = resolveSettings({ redisUrl: redisUrl(), prefix }, {});
    const producer = openProducer(settings);
    try {
      const enq = await runCli(
        ['enqueue', fx.inputPath, '--tenants', fx.tenantsPath, '--prefix', prefix],
        { env: { REDIS_URL: redisUrl() } },
      );
      expect(enq.code).toBe(0);
      const runId = enq.stdout.trim();
      const first = spawnWorker(
        [...common(prefix, fx.tenantsPath, emulator.url), '--concurrency', '10'],
        { REDIS_URL: redisUrl() },
      );
      const controller = new AbortController();
      await waitForRun(producer.store, runId, {
        clock: systemClock,
        intervalMs: 20,
        signal: controller.signal,
        onTick: (p) => p.counts.done >= 20 && controller.abort(),
      }).catch(() => {});
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('worker stopped');
      // Nothing was left active: every job is waiting, delayed or done.
      expect(await producer.queue.getActiveCount()).toBe(0);
      const second = spawnWorker(
        [...common(prefix, fx.tenantsPath, emulator.url), '--concurrency', '10'],
        { REDIS_URL: redisUrl() },
      );
      const done = await waitForRun(producer.store, runId, { clock: systemClock, intervalMs: 50 });
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(done.counts.byStatus.created).toBe(200);
      expect(emulator.apps()).toHaveLength(200);
      expect(emulator.apps().every((a) => a.created201 === 1)).toBe(true);
    } finally {
      await producer.close();
      await emulator.close();
    }
  });

  it('running the same file twice creates nothing the second time', async () => {
    const prefix = testPrefix('rerun');
    prefixes.push(prefix);
    const fx = await writeFixture(3, 10);
    const emulator = await startEmulator({ tenants: fx.emulatorTenants, rate: false });
    try {
      const args = [
        'run',
        fx.inputPath,
        ...common(prefix, fx.tenantsPath, emulator.url),
        '--quiet',
      ];
      const first = await runCli([...args, '--report', join(fx.dir, 'first.csv')], {
        env: { REDIS_URL: redisUrl() },
      });
      expect(first.code).toBe(0);
      const posts = emulator.stats().tenants.t000!.created201;
      const second = await runCli([...args, '--report', join(fx.dir, 'second.csv')], {
        env: { REDIS_URL: redisUrl() },
      });
      expect(second.code).toBe(0);
      const rows = await readCsv(join(fx.dir, 'second.csv'));
      expect(rows).toHaveLength(30);
      expect(rows.every((r) => r.status === 'exists' && /^[0-9a-f]{32}$/.test(r.app_id!))).toBe(
        true,
      );
      const firstRows = await readCsv(join(fx.dir, 'first.csv'));
      expect(rows.map((r) => r.app_id)).toEqual(firstRows.map((r) => r.app_id));
      expect(emulator.stats().tenants.t000!.created201).toBe(posts);
      expect(emulator.stats().tenants.t000!.byStatus['400'] ?? 0).toBe(0);
    } finally {
      await emulator.close();
    }
  });
});
