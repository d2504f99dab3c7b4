import { credentialsFromEnv, loadTenantsFile } from '../../config/tenants';
import { ConfigError } from '../../domain/errors';
import { requireRedis } from '../redis-setup';
import { print, type CliIo } from '../io';
import { openWorkerRuntime, tenantSource } from '../runtime';
import { settingsFrom, type RunFlags } from './run';

/** `work`: long-running workers until SIGINT/SIGTERM; then a bounded graceful shutdown, exit 0. */
export async function workCommand(flags: RunFlags, io: CliIo): Promise<number> {
  const settings = settingsFrom(flags, io.env);
  const file = flags.tenants ? await loadTenantsFile(flags.tenants, io.env) : undefined;
  const env = credentialsFromEnv(io.env);
  if (!file && !env) {
    throw new ConfigError(
      'no credentials for the workers: pass --tenants tenants.json or set HUAWEICLOUD_SDK_AK/_SK/_PROJECT_ID (or RTC_AUTH_TOKEN)',
    );
  }
  await requireRedis(settings.redisUrl, io.logger);
  const runtime = openWorkerRuntime({
    settings,
    tenants: tenantSource(file, env),
    endpoint: settings.endpoint,
    iamEndpoint: settings.iamEndpoint,
    logger: io.logger,
  });
  runtime.start();
  io.logger.info({ pid: process.pid, concurrency: settings.concurrency }, 'worker started');
  await new Promise<void>((resolve) =>
    io.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  io.logger.info(
    'shutting down: no new jobs; in-flight calls get %d ms',
    settings.shutdownTimeoutMs,
  );
  await runtime.close();
  print(io, 'worker stopped');
  return 0;
}
