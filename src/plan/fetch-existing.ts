import type { RateLimit } from '../config/rate';
import { ProvisionerError, RetryableError } from '../domain/errors';
import type { Clock } from '../infra/clock';
import type { Logger } from '../infra/logger';
import type { TenantDirectory, TenantRuntime } from '../provision/tenant-directory';
import type { TenantLimiter } from '../queue/tenant-limiter';
import {
  DEFAULT_THROTTLE,
  nextDelay,
  throttleDelay,
  type BackoffOptions,
  type ThrottleOptions,
} from '../rtc/backoff';
import { classify } from '../rtc/classify';
import { listAllApps } from '../rtc/find-app';
import type { ApiResult } from '../rtc/types';
import type { ListingProblem } from './plan';

export interface ExistingApps {
  /** tenant → app name → app id, for every tenant listed in full. */
  existing: Map<string, Map<string, string>>;
  /** tenant → apps the account may own (from the tenant's settings). */
  quotas: Map<string, number>;
  /** Tenants that could not be listed, and why. */
  problems: Map<string, ListingProblem>;
  requestIds: Map<string, string[]>;
  /** GET /v2/apps calls made, over all tenants. */
  calls: number;
}

export interface FetchExistingDeps {
  tenants: TenantDirectory;
  limiter: Pick<TenantLimiter, 'acquire' | 'confirm' | 'settleProbe' | 'pause' | 'now'>;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

export interface FetchExistingOptions {
  /** Tenants listed at the same time. */
  concurrency?: number;
  global?: RateLimit;
  signal?: AbortSignal;
  /** On 5xx / network errors the listing starts over, this many times in all. */
  backoff?: BackoffOptions;
  throttle?: ThrottleOptions;
}

export const DEFAULT_FETCH_CONCURRENCY = 20;
const LIST_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 10_000, maxAttempts: 4 };

/**
 * Lists every app of each tenant (paged GET /v2/apps), each page through the shared tenant
 * limiter, so a plan's reads count against the same per-account rate as the workers' calls.
 * A tenant that cannot be listed is recorded in `problems`; it never fails the others.
 */
export async function fetchExisting(
  tenantIds: Iterable<string>,
  deps: FetchExistingDeps,
  options: FetchExistingOptions = {},
): Promise<ExistingApps> {
  const out: ExistingApps = {
    existing: new Map(),
    quotas: new Map(),
    problems: new Map(),
    requestIds: new Map(),
    calls: 0,
  };
  const queue = [...new Set(tenantIds)];
  const width = Math.max(
    1,
    Math.min(options.concurrency ?? DEFAULT_FETCH_CONCURRENCY, queue.length),
  );
  let next = 0;
  const lane = async () => {
    while (next < queue.length) {
      const id = queue[next++]!;
      await listTenant(id, deps, options, out);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return out;
}

async function listTenant(
  id: string,
  deps: FetchExistingDeps,
  options: FetchExistingOptions,
  out: ExistingApps,
): Promise<void> {
  const t = deps.tenants.get(id);
  if (!t) {
    out.problems.set(id, {
      kind: 'unknown',
      code: 'ERR_UNKNOWN_TENANT',
      message: `no credentials for tenant \`${id}\` (add it to the tenants file)`,
    });
    return;
  }
  out.quotas.set(id, t.quota);
  const requestIds: string[] = [];
  out.requestIds.set(id, requestIds);
  const backoff = options.backoff ?? LIST_BACKOFF;
  const throttle = options.throttle ?? DEFAULT_THROTTLE;
  const random = deps.random ?? Math.random;
  const started = deps.clock.now();
  let attempts = 0;
  let throttles = 0;
  let refreshed = false;
  for (;;) {
    let last: ApiResult | undefined;
    let grant = { grant: '', probe: false };
    try {
      const listed = await listAllApps(t.client, {
        beforeCall: async () => {
          grant = await acquire(t, deps, options);
        },
        onCall: async (r) => {
          last = r;
          out.calls++;
          if (r.requestId) requestIds.push(r.requestId);
          await deps.limiter.confirm(t.id, grant.grant, options.global !== undefined);
          if (grant.probe) {
            grant.probe = false;
            await deps.limiter.settleProbe(t.id, t.authKey, r.status === 200);
          }
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const apps = new Map<string, string>();
      for (const a of listed.apps) if (!apps.has(a.app_name)) apps.set(a.app_name, a.app_id);
      out.existing.set(id, apps);
      return;
    } catch (err) {
      // A probe whose call threw (network, IAM) proved nothing: let the next caller probe.
      if (grant.probe) await deps.limiter.settleProbe(t.id, t.authKey, false);
      if (options.signal?.aborted) throw err;
      const cls = classify(err);
      if (cls.kind === 'auth' && t.refreshable && last?.status === 401 && !refreshed) {
        // An IAM token can expire or be revoked under us: one fresh token before giving up.
        refreshed = true;
        t.client.invalidateToken();
        continue;
      }
      if (cls.kind === 'throttled') {
        const wait = throttleDelay(++throttles, throttle, random, cls.retryAfterMs);
        if (wait !== 'stop') {
          await deps.limiter.pause(t.id, (await deps.limiter.now()) + wait);
          continue;
        }
      } else if (cls.kind === 'retry' || cls.kind === 'refresh_token') {
        const elapsed = deps.clock.now() - started;
        const retryAfter = err instanceof RetryableError ? err.retryAfterMs : undefined;
        const wait = nextDelay(++attempts, backoff, random, elapsed, retryAfter);
        if (wait !== 'stop') {
          deps.logger.warn({ tenant: id, err: (err as Error).message }, 'listing apps: retrying');
          await deps.clock.sleep(wait, options.signal);
          continue;
        }
      }
      if (!(err instanceof ProvisionerError)) throw err;
      out.problems.set(id, problemOf(err, cls.kind, last));
      return;
    }
  }
}

/** Waits for a call slot: plan is no queued job, so every wait simply sleeps until the slot. */
async function acquire(
  t: TenantRuntime,
  deps: FetchExistingDeps,
  options: FetchExistingOptions,
): Promise<{ grant: string; probe: boolean }> {
  let reservation: string | undefined;
  for (;;) {
    const d = await deps.limiter.acquire(t.id, {
      rate: t.rate,
      ...(options.global ? { global: options.global } : {}),
      ...(reservation ? { reservation } : {}),
      authKey: t.authKey,
    });
    if (d.kind === 'granted') return { grant: d.grant, probe: d.probe };
    if (d.kind !== 'wait')
      throw new Error(`tenant limiter answered "${d.kind}" to a listing of ${t.id}`);
    reservation = d.reservation;
    await deps.clock.sleep(d.until - d.now, options.signal);
  }
}

function problemOf(
  err: ProvisionerError,
  kind: string,
  last: ApiResult | undefined,
): ListingProblem {
  const code = err.code;
  const result = last && last.status !== 200 ? last : undefined;
  return {
    kind: kind === 'auth' ? 'refused' : 'failed',
    code,
    message: err.message,
    ...(result ? { httpStatus: result.status } : {}),
    ...(result?.requestId ? { requestId: result.requestId } : {}),
  };
}
