import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings';
import { parseTenants } from '../../src/config/tenants';
import { openProducer, queueSettings, toEmulatorTenant } from '../../src/cli/runtime';
import { startEmulator } from '../../src/emulator';
import { systemClock } from '../../src/infra/clock';
import { submitRun } from '../../src/runs/submit-run';
import { waitForRun } from '../../src/runs/wait-for-run';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';
import { spawnWorker, type SpawnedWorker } from '../helpers/spawn-worker';

describe('three worker processes', () => {
  const prefix = testPrefix('procs');
  const workers: SpawnedWorker[] = [];
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    const r = testRedis();
    await deletePrefix(r, prefix);
    r.disconnect();
  });

  it('share each tenant limit: no 429 and no sliding window over 2 calls/s; SIGTERM exits 0', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const json = {
      tenants: Object.fromEntries(
        ids.map((id) => [
          id,
          { ak: `AK_${id}`, sk: `SK_${id}`, projectId: `proj-${id}`, rate: '2/1s' },
        ]),
      ),
    };
    const tenants = parseTenants(json);
    const emulator = await startEmulator({
      tenants: [...tenants.values()].map(toEmulatorTenant),
      rate: { max: 2, windowMs: 1000 },
    });
    const dir = await mkdtemp(join(tmpdir(), 'rtcp-procs-'));
    const tenantsPath = join(dir, 'tenants.json');
    await writeFile(tenantsPath, JSON.stringify(json));
    const input = join(dir, 'rows.csv');
    await writeFile(
      input,
      [
        'tenant,app_name',
        ...ids.flatMap((t) => [0, 1, 2, 3].map((i) => `${t},${t}-app-${i}`)),
      ].join('\n') + '\n',
    );

    const args = [
      '--tenants',
      tenantsPath,
      '--endpoint',
      emulator.url,
      '--prefix',
      prefix,
      '--concurrency',
      '20',
    ];
    for (let i = 0; i < 3; i++) workers.push(spawnWorker(args, { REDIS_URL: redisUrl() }));

    const settings = resolveSettings({ redisUrl: redisUrl(), prefix }, {});
    const producer = openProducer(settings);
    const { runId } = await submitRun(
      { queue: producer.queue, store: producer.store },
      {
        source: input,
        format: 'csv',
        knownTenants: new Set(ids),
        settings: queueSettings(settings),
      },
    );
    const done = await waitForRun(producer.store, runId, { clock: systemClock, intervalMs: 100 });
    expect(done.counts.byStatus.created).toBe(160);

    const stats = emulator.stats();
    expect(stats.byStatus['429'] ?? 0).toBe(0);
    for (const id of ids) expect(stats.tenants[id]!.maxInWindow).toBeLessThanOrEqual(2);
    expect(Math.max(...ids.map((id) => stats.tenants[id]!.maxInWindow))).toBe(2);
    // Each process took part.
    const completedBy = new Set(
      (await producer.queue.getCompleted(0, 200)).map((j) => j.processedBy).filter(Boolean),
    );
    expect(completedBy.size).toBe(3);

    for (const w of workers) w.child.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes).toEqual([0, 0, 0]);
    await producer.close();
    await emulator.close();
  });
});
