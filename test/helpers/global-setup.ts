import type { TestProject } from 'vitest/node';
import { pingRedis } from '../../src/infra/redis';
import { hasRedisServer, startPrivateRedis } from '../../src/infra/private-redis';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * One Redis for the whole suite: REDIS_URL; else testcontainers' Redis where a container runtime
 * answers; else 127.0.0.1:6379; else a private redis-server on a free port.
 * Each test isolates itself with its own key prefix.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardown: Array<() => Promise<void>> = [];
  let url = process.env.REDIS_URL;
  if (!url) url = await fromContainer(teardown);
  if (!url) {
    try {
      await pingRedis('redis://127.0.0.1:6379', 1000);
      url = 'redis://127.0.0.1:6379';
    } catch {
      if (!(await hasRedisServer())) {
        throw new Error(
          'Tests need Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server',
        );
      }
      const server = await startPrivateRedis();
      teardown.push(() => server.stop());
      url = server.url;
    }
  }
  await pingRedis(url, 3000);
  project.provide('redisUrl', url);
  return async () => {
    for (const t of teardown.reverse()) await t();
  };
}

async function fromContainer(teardown: Array<() => Promise<void>>): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    // Rejects within milliseconds when there is no Docker engine.
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no runtime')), 3000)),
    ]);
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7-alpine').start();
    teardown.push(async () => {
      await container.stop();
    });
    return container.getConnectionUrl();
  } catch {
    return undefined;
  }
}
