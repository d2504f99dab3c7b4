import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Redis } from 'ioredis';

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A queue prefix unique to one test, so tests can run side by side on one Redis. */
export function testPrefix(name = 't'): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

/** A plain connection for assertions and cleanup. */
export function testRedis(): Redis {
  const r = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  return r;
}

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
