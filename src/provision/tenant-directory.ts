import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { RateLimit } from '../config/rate';
import type { Credentials, Tenant } from '../config/tenants';
import type { Clock } from '../infra/clock';
import type { Logger } from '../infra/logger';
import { createRtcClient } from '../rtc/client';
import type { RtcClient } from '../rtc/types';
import type { TokenCache } from '../rtc/auth/token-cache';

export const DEFAULT_QUOTA = 20;

export interface TenantRuntime {
  id: string;
  rate: RateLimit;
  /** Apps the account may own (tenants file `quota`, else the documented default of 20). */
  quota: number;
  client: RtcClient;
  /** IAM password auth: a refused token can be replaced by a fresh one. */
  refreshable: boolean;
  /** Redis key that exists once these exact credentials were accepted (a digest, never the secret). */
  authKey: string;
}

export interface TenantDirectory {
  get(tenantId: string): TenantRuntime | undefined;
}

export interface DirectoryOptions {
  prefix: string;
  /** Credentials and limits of a tenant id, or undefined when this process does not know it. */
  resolve: (tenantId: string) => Tenant | undefined;
  endpoint: string;
  defaultRate: RateLimit;
  defaultQuota?: number;
  timeoutMs?: number;
  iamEndpoint?: string;
}

/** Resolves a job's tenant id to its credentials, limit and a client, once per process. */
export function createTenantDirectory(
  options: DirectoryOptions,
  deps: { clock: Clock; logger: Logger; dispatcher?: Dispatcher; tokens?: TokenCache },
): TenantDirectory {
  const cache = new Map<string, TenantRuntime>();
  return {
    get(tenantId) {
      const hit = cache.get(tenantId);
      if (hit) return hit;
      const tenant = options.resolve(tenantId);
      if (!tenant) return undefined;
      const client = createRtcClient(
        {
          endpoint: tenant.endpoint ?? options.endpoint,
          credentials: tenant.credentials,
          tenantId,
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.iamEndpoint ? { iamEndpoint: options.iamEndpoint } : {}),
        },
        {
          clock: deps.clock,
          logger: deps.logger,
          ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
          ...(deps.tokens ? { tokens: deps.tokens } : {}),
        },
      );
      const runtime: TenantRuntime = {
        id: tenantId,
        rate: tenant.rate ?? options.defaultRate,
        quota: tenant.quota ?? options.defaultQuota ?? DEFAULT_QUOTA,
        client,
        refreshable: tenant.credentials.type === 'password',
        authKey: `${options.prefix}:authok:${tenantId}:${fingerprint(tenant.credentials)}`,
      };
      cache.set(tenantId, runtime);
      return runtime;
    },
  };
}

/** A short digest of the credentials: new credentials must be proven again, old ones need not. */
export function fingerprint(c: Credentials): string {
  const material =
    c.type === 'token'
      ? c.token
      : c.type === 'aksk'
        ? `${c.ak}\n${c.sk}\n${c.projectId}`
        : `${c.domain}\n${c.user}\n${c.password}`;
  return createHash('sha256').update(`${c.type}\n${material}`).digest('hex').slice(0, 16);
}
