import type { Redis } from 'ioredis';
import type { Settings } from '../config/settings';
import type { Tenant } from '../config/tenants';
import { systemClock, type Clock } from '../infra/clock';
import type { Logger } from '../infra/logger';
import { readInput, type InputFormat } from '../input';
import { createTenantDirectory } from '../provision/tenant-directory';
import { createTenantLimiter } from '../queue/tenant-limiter';
import { createHttpAgent } from '../rtc/agent';
import { createTokenCache } from '../rtc/auth/token-cache';
import { fetchExisting, type ExistingApps } from './fetch-existing';

/** Where tenant ids get their credentials (the CLI's TenantSource fits). */
export interface TenantResolver {
  resolve(id: string): Tenant | undefined;
  /** Tenant ids the input may use; undefined = any. */
  known?: ReadonlySet<string>;
}

export interface ListingContext {
  settings: Pick<
    Settings,
    'prefix' | 'rate' | 'globalRate' | 'quota' | 'timeoutMs' | 'endpoint' | 'iamEndpoint'
  >;
  tenants: TenantResolver;
  /** The API endpoints actually used (the emulator's with `--emulator`). */
  endpoint: string;
  iamEndpoint: string;
  /** Shared with the workers: the limiter's keys live there. */
  redis: Redis;
  logger: Logger;
  clock?: Clock;
  signal?: AbortSignal;
  concurrency?: number;
}

/** Distinct tenants of the input's valid rows, in order of first appearance (one streaming pass). */
export async function tenantsInInput(
  file: string,
  format: InputFormat,
  known?: ReadonlySet<string>,
): Promise<string[]> {
  const tenants = new Set<string>();
  for await (const item of readInput(file, { format, ...(known ? { knownTenants: known } : {}) }))
    if (item.kind === 'row') tenants.add(item.row.tenant);
  return [...tenants];
}

/** Lists the tenants' apps through the shared limiter, with clients of their own. */
export async function listExisting(
  tenantIds: Iterable<string>,
  ctx: ListingContext,
): Promise<ExistingApps> {
  const clock = ctx.clock ?? systemClock;
  const dispatcher = createHttpAgent({ connections: 64 });
  try {
    const directory = createTenantDirectory(
      {
        prefix: ctx.settings.prefix,
        resolve: (id) => ctx.tenants.resolve(id),
        endpoint: ctx.endpoint,
        defaultRate: ctx.settings.rate,
        defaultQuota: ctx.settings.quota,
        timeoutMs: ctx.settings.timeoutMs,
        iamEndpoint: ctx.iamEndpoint,
      },
      { clock, logger: ctx.logger, dispatcher, tokens: createTokenCache({ clock }) },
    );
    const limiter = createTenantLimiter(ctx.redis, { prefix: ctx.settings.prefix });
    return await fetchExisting(
      tenantIds,
      { tenants: directory, limiter, clock, logger: ctx.logger },
      {
        ...(ctx.settings.globalRate ? { global: ctx.settings.globalRate } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(ctx.concurrency ? { concurrency: ctx.concurrency } : {}),
      },
    );
  } finally {
    await dispatcher.close().catch(() => {});
  }
}

/** What `run` needs from the plan before enqueueing. */
export interface PlanInputs {
  /** For `enqueueItems({ existing })`: those rows become `exists` without a call. */
  existing: Map<string, Map<string, string>>;
  /** For `store.setExisting(runId, …)`: apps each account already owns count against its quota. */
  existingCounts: Record<string, number>;
  listing: ExistingApps;
}

/** Reads the input's tenants and lists their accounts; tenants that fail are left to the workers. */
export async function fetchPlanInputs(
  file: string,
  format: InputFormat,
  ctx: ListingContext,
): Promise<PlanInputs> {
  const tenantIds = await tenantsInInput(file, format, ctx.tenants.known);
  const listing = await listExisting(tenantIds, ctx);
  const existingCounts: Record<string, number> = {};
  for (const [tenant, apps] of listing.existing) existingCounts[tenant] = apps.size;
  return { existing: listing.existing, existingCounts, listing };
}

/** One line for `run`'s log. */
export function describePlanInputs(p: PlanInputs): string {
  const apps = [...p.existing.values()].reduce((n, m) => n + m.size, 0);
  const failed = [...p.listing.problems].map(([t, e]) => `${t} (${e.code})`);
  return (
    `plan: ${p.existing.size} tenant(s) listed in ${p.listing.calls} call(s), ${apps} app(s) already exist` +
    (failed.length ? `; not listed, left to the workers: ${failed.join(', ')}` : '')
  );
}
