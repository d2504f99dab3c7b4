import type { Logger } from '../infra/logger';
import { pingRedis } from '../infra/redis';
import { warnOnEviction } from './redis-setup';

/** For commands other than `run`: Redis must be there (exit 3 otherwise); warn on a wrong eviction policy. */
export async function ensureRedis(url: string, logger: Logger): Promise<void> {
  await pingRedis(url, 2000);
  await warnOnEviction(url, logger);
}
