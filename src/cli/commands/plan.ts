import { existsSync } from 'node:fs';
import type { Settings } from '../../config/settings';
import { credentialsFromEnv, loadTenantsFile, type TenantsFile } from '../../config/tenants';
import { ConfigError, InputError } from '../../domain/errors';
import type { Emulator } from '../../emulator';
import { producerConnection } from '../../infra/redis';
import { detectFormat, readInput } from '../../input';
import { formatPlan, planToJson } from '../../plan/format-plan';
import { openTarget } from '../local-emulator';
import { listExisting, tenantsInInput } from '../../plan/plan-inputs';
import { buildPlanFrom } from '../../plan/planner';
import { parseFaults } from '../emulator-flags';
import { print, type CliIo } from '../io';
import { ensureRedis } from '../redis-setup';
import { settingsFrom, type RunFlags } from './run';

export interface PlanFlags extends RunFlags {
  json?: boolean;
}

/**
 * `plan <file>`: lists each tenant's apps and prints what `run` would do with every row.
 * Only GET /v2/apps is called (through the shared rate limiter); exit 0 once the plan is shown.
 */
export async function planCommand(file: string, flags: PlanFlags, io: CliIo): Promise<number> {
  const format = detectFormat(file, flags.format);
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  let settings: Settings = settingsFrom(flags, io.env);
  const tenantsFile: TenantsFile | undefined = flags.tenants
    ? await loadTenantsFile(flags.tenants, io.env)
    : undefined;
  if (!flags.emulator && !tenantsFile && !credentialsFromEnv(io.env)) {
    throw new ConfigError(
      'no credentials: set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID (or RTC_AUTH_TOKEN), pass --tenants tenants.json, or add --emulator for a local demo',
    );
  }
  parseFaults(flags.emulatorFaults); // a bad spec is a usage error before anything starts
  // The limiter must be the workers' one; only the self-contained demo may use a private Redis.
  const redisSetup = await ensureRedis(settings, {
    allowPrivate: Boolean(flags.emulator),
    logger: io.logger,
  });
  settings = redisSetup.settings;

  let emulator: Emulator | undefined;
  const redis = producerConnection(settings.redisUrl);
  try {
    const target = await openTarget(file, flags, settings, tenantsFile, io);
    emulator = target.emulator;
    const { source, endpoint, iamEndpoint } = target;

    const knownTenants = source.known;
    const tenantIds = await tenantsInInput(file, format, knownTenants);
    const listing = await listExisting(tenantIds, {
      settings,
      tenants: source,
      endpoint,
      iamEndpoint,
      redis,
      logger: io.logger,
      signal: io.signal,
    });
    const plan = await buildPlanFrom(
      readInput(file, { format, ...(knownTenants ? { knownTenants } : {}) }),
      {
        existing: listing.existing,
        quotas: listing.quotas,
        problems: listing.problems,
        defaultQuota: settings.quota,
      },
    );
    plan.listing = { calls: listing.calls, requestIds: Object.fromEntries(listing.requestIds) };
    print(io, flags.json ? planToJson(plan) : formatPlan(plan, file));
    return 0;
  } finally {
    redis.disconnect();
    await emulator?.close().catch(() => {});
    if (redisSetup.private) await redisSetup.private.stop();
  }
}
