import { Redis, type RedisOptions } from 'ioredis';
import { InfrastructureError } from '../domain/errors';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A connection for workers: commands wait for Redis to come back (BullMQ requires
 * `maxRetriesPerRequest: null`). Always has an error listener, so a Redis outage is logged, not fatal.
 */
export function workerConnection(
  url: string,
  onError: (err: Error) => void = () => {},
  extra: RedisOptions = {},
): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
  redis.on('error', onError);
  return redis;
}

/** A connection for producers and one-shot commands: fails fast when Redis is down. */
export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 3000,
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
    ...extra,
  });
  redis.on('error', () => {});
  return redis;
}

/**
 * Pings Redis with a deadline, through a throwaway connection that never retries: with
 * `maxRetriesPerRequest: null` a command would hang forever while Redis is down.
 */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await withTimeout(
      (async () => {
        await probe.connect();
        await probe.ping();
      })(),
      timeoutMs,
    );
  } catch (err) {
    throw new InfrastructureError(
      `Redis is not reachable at ${redactUrl(url)}: start it (\`docker compose up -d redis\`, or the OS package \`redis-server\`) or set REDIS_URL`,
      { cause: err },
    );
  } finally {
    probe.disconnect();
  }
}

/** The eviction policy must be `noeviction`: an evicted job or outcome is a lost row. */
export async function evictionPolicy(redis: Redis): Promise<string | undefined> {
  const reply = (await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
  return reply[1];
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
