import { ConfigError } from '../../domain/errors';
import { assertSafeBind, authFromEnv, buildDashboard } from '../../dashboard';
import { producerConnection } from '../../infra/redis';
import { createMetricsRegistry } from '../../metrics';
import { requireRedis } from '../redis-setup';
import { print, type CliIo } from '../io';
import { settingsFrom } from './run';

export interface DashboardFlags {
  port?: string;
  host?: string;
  /** `redisUrl` as commander's `flagsOf` gives it, or the raw `--redis`. */
  redisUrl?: string;
  redis?: string;
  prefix?: string;
  readOnly?: boolean;
}

/**
 * `dashboard [--port 3000] [--host 127.0.0.1]`: run pages, bull-board, /metrics, /healthz, /readyz
 * until SIGINT/SIGTERM. Anywhere but loopback it needs DASHBOARD_TOKEN (or basic-auth credentials).
 */
export async function dashboardCommand(flags: DashboardFlags, io: CliIo): Promise<number> {
  const settings = settingsFrom(
    {
      ...(flags.redisUrl || flags.redis ? { redisUrl: flags.redisUrl ?? flags.redis } : {}),
      ...(flags.prefix ? { prefix: flags.prefix } : {}),
    },
    io.env,
  );
  const host = flags.host ?? io.env.DASHBOARD_HOST ?? '127.0.0.1';
  const port = Number(flags.port ?? io.env.DASHBOARD_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(
      `--port must be an integer from 0 to 65535 (got "${flags.port ?? io.env.DASHBOARD_PORT}")`,
    );
  const auth = authFromEnv(io.env);
  assertSafeBind(host, auth);
  await requireRedis(settings.redisUrl, io.logger);

  // Fails commands fast while Redis is down (pages answer 503) but reconnects for as long as it takes.
  const redis = producerConnection(settings.redisUrl, {
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
  const app = await buildDashboard(
    { prefix: settings.prefix, ...auth, ...(flags.readOnly ? { readOnly: true } : {}) },
    { redis, logger: io.logger, registry: createMetricsRegistry({ processMetrics: true }) },
  );
  try {
    const address = await app.listen({ port, host });
    print(io, `dashboard: ${address}  (queue: ${address}/queues, metrics: ${address}/metrics)`);
    if (flags.readOnly) print(io, 'read-only: no write actions');
    else if (auth.token || auth.basicAuth)
      print(io, `write actions (resume, retry, clean) need a log-in: ${address}/login`);
    else print(io, 'read-only: set DASHBOARD_TOKEN to enable write actions (resume, retry, clean)');
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 0;
  } finally {
    await app.close().catch(() => {});
    redis.disconnect();
  }
}
