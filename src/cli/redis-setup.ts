import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../infra/private-redis';
import { evictionPolicy, pingRedis, producerConnection, redactUrl } from '../infra/redis';
import type { Logger } from '../infra/logger';
import { InfrastructureError } from '../domain/errors';

/**
 * Redis for a command: the configured one, or (for `run` only) a private redis-server under
 * `.rtc-provisioner/` with the append-only file on, stopped afterwards.
 */
export async function ensureRedis(
  url: string,
  options: { allowPrivate: boolean; dir: string; logger: Logger },
): Promise<{ url: string; private?: PrivateRedis }> {
  try {
    await pingRedis(url, 2000);
    await warnOnEviction(url, options.logger);
    return { url };
  } catch (err) {
    if (!options.allowPrivate || !(await hasRedisServer())) throw err;
    options.logger.warn(
      `nothing answers at ${redactUrl(url)}; starting a private redis-server for this run (data in ${options.dir})`,
    );
    try {
      const server = await startPrivateRedis({ dir: options.dir, appendOnly: true });
      return { url: server.url, private: server };
    } catch (e) {
      throw new InfrastructureError(`could not start redis-server: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}

/** An evicted job or outcome is a lost row: say so at start-up. */
export async function warnOnEviction(url: string, logger: Logger): Promise<void> {
  const probe = producerConnection(url);
  try {
    const policy = await evictionPolicy(probe);
    if (policy && policy !== 'noeviction') {
      logger.warn(
        `Redis maxmemory-policy is "${policy}": set it to "noeviction" (CONFIG SET maxmemory-policy noeviction), or Redis may drop queued rows under memory pressure`,
      );
    }
  } finally {
    probe.disconnect();
  }
}
