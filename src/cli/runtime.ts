import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Agent } from 'undici';
import type { Settings } from '../config/settings';
import type { Tenant, TenantsFile, Credentials } from '../config/tenants';
import { DEFAULT_TENANT } from '../domain/row';
import type { Emulator, EmulatorTenant } from '../emulator';
import { systemClock } from '../infra/clock';
import type { Logger } from '../infra/logger';
import { producerConnection, workerConnection } from '../infra/redis';
import type { ProcessorObserver } from '../provision/processor';
import { createTenantDirectory } from '../provision/tenant-directory';
import {
  createProvisionWorker,
  DEFAULT_WORKER_SETTINGS,
  type WorkerSettings,
} from '../provision/worker';
import { createProvisionQueue, type QueueSettings } from '../queue/provision-queue';
import { createTenantLimiter } from '../queue/tenant-limiter';
import { composeObservers, createRunStatsRecorder } from '../metrics';
import { createTokenCache } from '../rtc/auth/token-cache';
import {
  DEFAULT_BACKOFF,
  DEFAULT_THROTTLE,
  type BackoffOptions,
  type ThrottleOptions,
} from '../rtc/backoff';
import { createRunStore } from '../runs/run-store';

/** Where a tenant id's credentials come from in this process. */
export interface TenantSource {
  resolve(id: string): Tenant | undefined;
  /** Tenant ids the input may use; undefined = any (emulator minting). */
  known?: ReadonlySet<string>;
}

export function tenantSource(
  file: TenantsFile | undefined,
  envCredentials: Credentials | undefined,
): TenantSource {
  if (file) return { resolve: (id) => file.get(id), known: new Set(file.keys()) };
  if (envCredentials) {
    const only: Tenant = { id: DEFAULT_TENANT, credentials: envCredentials };
    return {
      resolve: (id) => (id === DEFAULT_TENANT ? only : undefined),
      known: new Set([DEFAULT_TENANT]),
    };
  }
  return { resolve: () => undefined, known: new Set() };
}

/** With `--emulator`: tenants from the file are taught to it; unknown ones get AK/SK minted on first use. */
export function emulatorTenantSource(
  emulator: Emulator,
  file: TenantsFile | undefined,
): TenantSource {
  if (file) {
    for (const t of file.values()) emulator.addTenant(toEmulatorTenant(t));
    return { resolve: (id) => file.get(id), known: new Set(file.keys()) };
  }
  const minted = new Map<string, Tenant>();
  return {
    resolve(id) {
      let t = minted.get(id);
      if (!t) {
        const credentials: Credentials = {
          type: 'aksk',
          ak: `AK${randomBytes(9).toString('hex').toUpperCase()}`,
          sk: randomBytes(20).toString('base64url'),
          projectId: randomBytes(16).toString('hex'),
        };
        t = { id, credentials };
        emulator.addTenant(toEmulatorTenant(t));
        minted.set(id, t);
      }
      return t;
    },
  };
}

export function toEmulatorTenant(t: Tenant): EmulatorTenant {
  const c = t.credentials;
  const base: EmulatorTenant = {
    id: t.id,
    ...(t.quota ? { quota: t.quota } : {}),
    ...(t.rate ? { rate: t.rate } : {}),
  };
  if (c.type === 'token') return { ...base, token: c.token };
  if (c.type === 'aksk')
    return {
      ...base,
      ak: c.ak,
      sk: c.sk,
      projectId: c.projectId,
      ...(c.securityToken ? { securityToken: c.securityToken } : {}),
    };
  return {
    ...base,
    iam: {
      domain: c.domain,
      user: c.user,
      password: c.password,
      ...(c.projectId ? { projectId: c.projectId } : {}),
      ...(c.projectName ? { projectName: c.projectName } : {}),
    },
  };
}

export interface WorkerRuntimeOptions {
  settings: Settings;
  tenants: TenantSource;
  endpoint: string;
  iamEndpoint: string;
  logger: Logger;
  observer?: ProcessorObserver;
  /** Overrides for tests and benchmarks (e.g. a tiny base delay). */
  backoff?: Partial<BackoffOptions>;
  throttle?: Partial<ThrottleOptions>;
  workerSettings?: Partial<Omit<WorkerSettings, 'prefix' | 'backoff'>>;
  /** The queue to drain (default: the shared one). */
  queueName?: string;
  /** Limiter waits up to this long sleep in the worker; longer ones park the job in `delayed`. */
  inlineWaitMs?: number;
}

export const DEFAULT_INLINE_WAIT_MS = 1000;

/** Everything a worker process needs, wired once; `close()` releases it all (bounded). */
export function openWorkerRuntime(o: WorkerRuntimeOptions) {
  const { settings, logger } = o;
  const onRedisError = (err: Error) =>
    logger.warn({ err: err.message }, 'Redis connection error (retrying)');
  const redis = workerConnection(settings.redisUrl, onRedisError);
  const bullConnection = workerConnection(settings.redisUrl, onRedisError);
  const store = createRunStore(redis, settings.prefix);
  // A probe outlives its call only when the worker died mid-call: then it expires after the call's timeout.
  const limiter = createTenantLimiter(redis, {
    prefix: settings.prefix,
    probeTtlMs: settings.timeoutMs + 5000,
  });
  const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 10_000, pipelining: 1 });
  const directory = createTenantDirectory(
    {
      prefix: settings.prefix,
      resolve: (id) => o.tenants.resolve(id),
      endpoint: o.endpoint,
      defaultRate: settings.rate,
      defaultQuota: settings.quota,
      timeoutMs: settings.timeoutMs,
      iamEndpoint: o.iamEndpoint,
    },
    { clock: systemClock, logger, dispatcher, tokens: createTokenCache({ clock: systemClock }) },
  );
  const backoff = { ...DEFAULT_BACKOFF, maxAttempts: settings.attempts, ...o.backoff };
  // Per-run time series for the dashboard, batched into Redis at most once a second.
  const recorder = createRunStatsRecorder(
    { prefix: settings.prefix },
    { redis, clock: systemClock, logger },
  );
  const observer = composeObservers([recorder, o.observer], (err, hook) =>
    logger.warn({ err, hook }, 'observer failed'),
  );
  const worker = createProvisionWorker(
    bullConnection,
    {
      prefix: settings.prefix,
      ...(o.queueName ? { queueName: o.queueName } : {}),
      ...DEFAULT_WORKER_SETTINGS,
      concurrency: settings.concurrency,
      lockDurationMs: settings.lockMs,
      stalledIntervalMs: Math.max(500, Math.round(settings.lockMs / 2)),
      ...o.workerSettings,
      backoff,
    },
    {
      store,
      limiter,
      tenants: directory,
      clock: systemClock,
      logger,
      random: Math.random,
      observer,
    },
    {
      // A second: short waits at fast limits stay in the worker (a parked job rejoins the back of
      // the queue and loses its slot); the documented 60/60s limit still parks every wait.
      inlineWaitMs: o.inlineWaitMs ?? DEFAULT_INLINE_WAIT_MS,
      backoff,
      throttle: { ...DEFAULT_THROTTLE, maxThrottles: settings.maxThrottles, ...o.throttle },
      ...(settings.globalRate ? { global: settings.globalRate } : {}),
      parkMs: 30 * 24 * 3600 * 1000,
    },
  );
  return {
    redis,
    store,
    worker,
    start() {
      void worker.run().catch((err: unknown) => logger.error({ err }, 'worker stopped'));
    },
    /** Stops taking jobs, lets in-flight calls finish for `graceMs`, then aborts them. */
    async close(graceMs = settings.shutdownTimeoutMs): Promise<void> {
      const closing = worker.close();
      const timer = setTimeout(
        () => worker.cancelAllJobs('shutdown: in-flight calls aborted'),
        graceMs,
      );
      const forced = new Promise<void>((resolve) => setTimeout(resolve, graceMs * 2).unref());
      await Promise.race([closing.catch(() => {}), forced]);
      clearTimeout(timer);
      await dispatcher.close().catch(() => {});
      await recorder.close(1000).catch(() => {});
      redis.disconnect();
      bullConnection.disconnect();
    },
  };
}

export type WorkerRuntime = ReturnType<typeof openWorkerRuntime>;

/** BullMQ's attempts sit above the processor's own limit: the processor decides when a row fails. */
export function queueSettings(settings: Settings): QueueSettings {
  return { prefix: settings.prefix, attempts: settings.attempts + 3 };
}

/** A producer side: fail-fast connection, the queue and the run store. */
export function openProducer(settings: Settings, queueName?: string) {
  const redis: Redis = producerConnection(settings.redisUrl);
  const queue = createProvisionQueue(redis, settings.prefix, queueName);
  queue.on('error', () => {});
  const store = createRunStore(redis, settings.prefix);
  return {
    redis,
    queue,
    store,
    async close() {
      await queue.close().catch(() => {});
      redis.disconnect();
    },
  };
}

export type Producer = ReturnType<typeof openProducer>;
