import { afterAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings';
import { openProducer } from '../../src/cli/runtime';
import { runCli } from '../helpers/cli';
import { writeFixture } from '../helpers/fixture';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

describe('a run keeps to its own rows', () => {
  const prefix = testPrefix('iso');
  afterAll(async () => {
    const r = testRedis();
    await deletePrefix(r, prefix);
    r.disconnect();
  });

  it("`run` never takes rows queued for `work`, and `work` never sees a `run`'s rows", async () => {
    const env = { REDIS_URL: redisUrl() };
    const queued = await writeFixture(2, 5);
    const enq = await runCli(
      ['enqueue', queued.inputPath, '--tenants', queued.tenantsPath, '--prefix', prefix],
      { env },
    );
    expect(enq.code).toBe(0);
    const waitingRun = enq.stdout.trim();

    const demo = await runCli(
      ['run', 'examples/migration.csv', '--emulator', '--prefix', prefix, '--quiet'],
      { env },
    );
    expect(demo.stderr).not.toMatch(/rtc-provisioner: /);
    expect(demo.stdout).toMatch(/created\s+34/);

    const producer = openProducer(resolveSettings({ redisUrl: redisUrl(), prefix }, {}));
    try {
      // The shared queue still holds exactly the enqueued rows, untouched.
      expect(await producer.queue.getWaitingCount()).toBe(10);
      expect((await producer.store.counts(waitingRun)).done).toBe(0);
    } finally {
      await producer.close();
    }
  });
});
