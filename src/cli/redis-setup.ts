import { resolve } from 'node:path';
import type { Settings } from '../config/settings';
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../infra/private-redis';
import { evictionPolicy, pingRedis, producerConnection, redactUrl } from '../infra/redis';
import type { Logger } from '../infra/logger';
import { InfrastructureError } from '../domain/errors';

/** Where a private redis-server keeps its data, so `resume` finds it again. */
const PRIVATE_DIR = resolve('.rtc-provisioner', 'redis');

/**
 * Redis for `run`, `plan` and `resume`: the configured one, or (when allowed) a private
 * redis-server under `.rtc-provisioner/` with the append-only file on. Returns the settings that
 * point at whichever answered; the caller stops the private one.
 */
export async function ensureRedis(
  settings: Settings,
  options: { allowPrivate: boolean; logger: Logger },
): Promise<{ settings: Settings; private?: PrivateRedis }> {
  try {
    await requireRedis(settings.redisUrl, options.logger);
    return { settings };
  } catch (err) {
    if (!options.allowPrivate || !(await hasRedisServer())) throw err;
    options.logger.warn(
      `nothing answers at ${redactUrl(settings.redisUrl)}; starting a private redis-server for this run (data in ${PRIVATE_DIR})`,
    );
    try {
      const server = await startPrivateRedis({ dir: PRIVATE_DIR, appendOnly: true });
      return { settings: Object.freeze({ ...settings, redisUrl: server.url }), private: server };
    } catch (e) {
      throw new InfrastructureError(`could not start redis-server: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}

/** For commands that need the shared Redis: there (exit 3 otherwise), with a safe eviction policy. */
export async function requireRedis(url: string, logger: Logger): Promise<void> {
  await pingRedis(url, 2000);
  await warnOnEviction(url, logger);
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
