import { DelayedError, type Job } from 'bullmq';
import type { RateLimit } from '../config/rate';
import { RetryableError } from '../domain/errors';
import type { Outcome } from '../domain/outcome';
import type { Clock } from '../infra/clock';
import type { Logger } from '../infra/logger';
import type { JobProgress, ProvisionJobData } from '../queue/provision-queue';
import type { TenantLimiter } from '../queue/tenant-limiter';
import type { BackoffOptions, ThrottleOptions } from '../rtc/backoff';
import { classify, type Classification } from '../rtc/classify';
import { findAppByName } from '../rtc/find-app';
import type { ApiResult } from '../rtc/types';
import type { HoldReason, RunStore } from '../runs/run-store';
import { decide } from './decide';
import { buildOutcome, freshProgress, type Decision } from './outcome-builder';
import type { TenantDirectory, TenantRuntime } from './tenant-directory';

export interface ProcessorOptions {
  /** Limiter waits up to this long are slept in the worker; longer ones move the job to delayed. */
  inlineWaitMs: number;
  backoff: BackoffOptions;
  throttle: ThrottleOptions;
  global?: RateLimit;
  /** How long a held tenant's job is parked before it would wake by itself. */
  parkMs: number;
}

/** Hooks for metrics and the dashboard; never required. */
export interface ProcessorObserver {
  onCall?(
    tenant: string,
    result: ApiResult | undefined,
    cls: Classification,
    kind: 'create' | 'list',
    runId?: string,
  ): void;
  onOutcome?(outcome: Outcome, runId?: string): void;
  onThrottle?(tenant: string, waitMs: number, runId?: string): void;
  onRetry?(tenant: string, runId?: string): void;
}

export interface ProcessorDeps {
  store: RunStore;
  limiter: TenantLimiter;
  tenants: TenantDirectory;
  clock: Clock;
  logger: Logger;
  random: () => number;
  observer?: ProcessorObserver;
}

export type ProcessResult = Outcome['status'] | 'skipped';

/** The tenant's quota was reached earlier in this run. */
class Full extends Error {}

class Held extends Error {
  constructor(readonly reason: HoldReason) {
    super(reason.message);
  }
}

/**
 * One row: limiter → client → classify → outcome. Every wait is either a short sleep or a move to
 * `delayed` with the row's progress saved in the job, so a worker slot is never held by a throttled
 * tenant and a crash resumes from the last saved progress.
 */
export function createProcessor(deps: ProcessorDeps, options: ProcessorOptions) {
  const { store, limiter, clock, logger, observer } = deps;

  return async function processJob(
    job: Job<ProvisionJobData>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<ProcessResult> {
    const data = job.data;
    const st: JobProgress = data.st ?? freshProgress(clock.now());
    const keys = store.keys(data.runId);
    const pre = await store.preflight(data.runId, data.line, data.tenant);
    if (pre.outcome && !pre.outcome.held) return 'skipped';
    // Marked in flight but no outcome: an earlier run of this job may have created the app.
    if (pre.inflight) st.ambiguous = true;

    const finish = async (decision: Decision): Promise<ProcessResult> => {
      const outcome = buildOutcome(data, st, decision, clock.now());
      await store.setOutcome(data.runId, outcome);
      observer?.onOutcome?.(outcome, data.runId);
      return outcome.status;
    };

    const saveAndDelay = async (untilLocalMs: number): Promise<never> => {
      await job.updateData({ ...data, st });
      await job.moveToDelayed(untilLocalMs, token);
      throw new DelayedError();
    };

    const park = async (reason: HoldReason): Promise<never> => {
      await store.hold(data.runId, data.tenant, reason);
      const current = (await store.held(data.runId))[data.tenant] ?? reason;
      await store.setOutcome(
        data.runId,
        buildOutcome(
          data,
          st,
          {
            status: 'auth_failed',
            held: true,
            errorCode: current.code,
            errorMsg: `${current.message} — tenant held; fix its credentials, then: rtc-provisioner resume ${data.runId} --tenant ${data.tenant}`,
            ...(current.httpStatus ? { httpStatus: current.httpStatus } : {}),
            ...(current.requestId ? { requestId: current.requestId } : {}),
          },
          clock.now(),
        ),
      );
      await store.addParked(data.runId, data.tenant, job.id!);
      return saveAndDelay(Date.now() + options.parkMs);
    };

    const tenant = deps.tenants.get(data.tenant);
    try {
      if (!tenant) {
        return await park({
          code: 'ERR_NO_CREDENTIALS',
          message: `this worker has no credentials for tenant \`${data.tenant}\` (start workers with the tenants file that has it)`,
          at: new Date(clock.now()).toISOString(),
        });
      }
      if (pre.full) {
        const full: Decision = {
          status: 'quota_exceeded',
          errorCode: 'RTC.00001017',
          errorMsg: "the tenant's app quota was reached earlier in this run; not sent",
        };
        return await (st.ambiguous ? reconcile(tenant, full) : finish(full));
      }
      try {
        return await createLoop(tenant);
      } catch (err) {
        if (!(err instanceof Full)) throw err;
        const full: Decision = {
          status: 'quota_exceeded',
          errorCode: 'RTC.00001017',
          errorMsg: "the tenant's app quota was reached earlier in this run; not sent",
        };
        return await (st.ambiguous ? reconcile(tenant, full) : finish(full));
      }
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      if (err instanceof Held) return park(err.reason);
      // Unexpected (Redis blip, lookup failure): keep progress, let BullMQ retry with backoff.
      await job.updateData({ ...data, st }).catch(() => {});
      throw err;
    }

    /** Waits for a call slot; short waits sleep, long ones park the job in `delayed`. */
    async function acquire(
      t: TenantRuntime,
      inline: boolean,
      create: boolean,
    ): Promise<{ probe: boolean; quotaProbe: boolean; grant: string }> {
      for (;;) {
        const d = await limiter.acquire(t.id, {
          rate: t.rate,
          ...(options.global ? { global: options.global } : {}),
          ...(st.reservation ? { reservation: st.reservation } : {}),
          heldKey: keys.held,
          authKey: t.authKey,
          ...(create
            ? { inflight: { key: keys.inflight, field: String(data.line) }, quota: quotaGate(t) }
            : {}),
        });
        if (d.kind === 'granted') {
          delete st.reservation;
          return d;
        }
        if (d.kind === 'full') throw new Full();
        if (d.kind === 'held') {
          const reason = (await store.held(data.runId))[data.tenant];
          throw new Held(
            reason ?? {
              code: 'HELD',
              message: 'tenant held',
              at: new Date(clock.now()).toISOString(),
            },
          );
        }
        st.reservation = d.reservation;
        const wait = d.until - d.now;
        if (inline || wait <= options.inlineWaitMs) {
          await clock.sleep(wait, signal);
          continue;
        }
        await saveAndDelay(Date.now() + wait);
      }
    }

    function quotaGate(t: TenantRuntime) {
      return {
        budgetKey: keys.quotaBudget(t.id),
        probeKey: keys.quotaProbe(t.id),
        fullKey: keys.full,
        initial: t.quota - pre.existing,
      };
    }

    /**
     * After an ambiguous attempt, "exists" may mean our earlier call created the app, or that it was
     * there before the row was queued. The app's create_time tells them apart (server clock,
     * corrected by the skew seen in `Date` headers, with a second of slack for their resolution).
     */
    async function reconcile(t: TenantRuntime, answer: Decision): Promise<ProcessResult> {
      const found = await lookupApp(t);
      if (!found.appId) return finish(answer);
      const created = found.createTime ? Date.parse(found.createTime) : Number.NaN;
      const queuedAt = job.timestamp + (t.client.clockSkewMs() ?? 0) - 1000;
      if (Number.isNaN(created) || created >= queuedAt) {
        // Created, not failed: the earlier answer's error fields would only mislead a filter.
        return finish({
          status: 'created',
          appId: found.appId,
          reconciled: true,
          ...(answer.requestId ? { requestId: answer.requestId } : {}),
        });
      }
      return finish({ ...answer, status: 'exists', appId: found.appId });
    }

    /** Not awaited: it only tightens later grants, and Redis keeps this connection's order. */
    function confirm(t: TenantRuntime, grant: string): void {
      limiter
        .confirm(t.id, grant, options.global !== undefined)
        .catch((err: unknown) => logger.debug({ err }, 'limiter confirm failed'));
    }

    async function lookup(t: TenantRuntime): Promise<string | undefined> {
      return (await lookupApp(t)).appId;
    }

    async function lookupApp(t: TenantRuntime): Promise<{ appId?: string; createTime?: string }> {
      let grant = '';
      return findAppByName(t.client, data.appName, {
        beforeCall: async () => {
          grant = (await acquire(t, true, false)).grant;
        },
        onCall: (r: ApiResult) => {
          confirm(t, grant);
          if (r.requestId) st.requestIds.push(r.requestId);
          observer?.onCall?.(t.id, r, classify(r), 'list', data.runId);
        },
      });
    }

    async function createLoop(t: TenantRuntime): Promise<ProcessResult> {
      for (;;) {
        const { probe, quotaProbe, grant } = await acquire(t, false, true);
        let result: ApiResult | undefined;
        let error: unknown;
        try {
          result = await t.client.createApp(data.appName, signal ? { signal } : {});
        } catch (err) {
          error = err;
        }
        confirm(t, grant);
        const cls = classify(result ?? error);
        if (result?.requestId) st.requestIds.push(result.requestId);
        if (cls.kind !== 'throttled') st.attempts++;
        if (probe) {
          const proven =
            result !== undefined &&
            result.status < 500 &&
            cls.kind !== 'auth' &&
            cls.kind !== 'refresh_token';
          await limiter.settleProbe(t.id, t.authKey, proven);
        }
        const createdMaybe =
          cls.kind === 'created' || cls.kind === 'quota' || (cls.kind === 'retry' && cls.ambiguous);
        if (quotaProbe || !createdMaybe)
          await limiter.settleQuota(quotaGate(t), !createdMaybe, quotaProbe);
        observer?.onCall?.(t.id, result, cls, 'create', data.runId);
        if (signal?.aborted) {
          st.ambiguous = true;
          throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        }
        const step = decide({
          cls,
          result,
          st,
          refreshable: t.refreshable,
          now: clock.now(),
          backoff: options.backoff,
          throttle: options.throttle,
          random: deps.random,
        });
        if (cls.kind === 'failed')
          logger.warn({ tenant: t.id, line: data.line, code: cls.code }, 'terminal failure');
        switch (step.kind) {
          case 'finish':
            if (step.markFull) await store.markFull(data.runId, data.tenant);
            return finish(step.decision);
          case 'reconcile':
            if (step.markFull) await store.markFull(data.runId, data.tenant);
            return reconcile(t, step.answer);
          case 'lookup': {
            const found = await lookup(t);
            return finish(found ? { ...step.answer, status: 'exists', appId: found } : step.answer);
          }
          case 'hold':
            throw new Held(step.reason);
          case 'refresh-token':
            t.client.invalidateToken();
            continue;
          case 'pause-tenant':
            observer?.onThrottle?.(t.id, step.waitMs, data.runId);
            await limiter.pause(t.id, (await limiter.now()) + step.waitMs);
            continue;
          case 'retry':
            observer?.onRetry?.(t.id, data.runId);
            await job.updateData({ ...data, st });
            throw new RetryableError(step.code, step.msg, { retryAfterMs: step.delayMs });
        }
      }
    }
  };
}
