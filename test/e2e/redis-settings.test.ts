import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/private-redis';
import { runCli } from '../helpers/cli';
import { Redis } from 'ioredis';

describe('Redis settings', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('warns at start-up when the eviction policy could drop queued rows, and not otherwise', async () => {
    const quiet = await runCli(['status', '--redis', redis.url]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('maxmemory-policy');
    const conn = new Redis(redis.url);
    await conn.config('SET', 'maxmemory-policy', 'allkeys-lru');
    conn.disconnect();
    const warned = await runCli(['status', '--redis', redis.url]);
    expect(warned.code).toBe(0);
    // A JSON log line: the quotes inside its message are escaped.
    expect(warned.stderr).toMatch(
      /maxmemory-policy is \\"allkeys-lru\\": set it to \\"noeviction\\"/,
    );
  });
});
