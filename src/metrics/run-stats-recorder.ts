import type { Redis } from 'ioredis';
import type { Outcome } from '../domain/outcome';
import type { Clock } from '../infra/clock';
import type { Logger } from '../infra/logger';
import type { ProcessorObserver } from '../provision/processor';
import type { Classification } from '../rtc/classify';
import type { ApiResult } from '../rtc/types';
import { boundedLabel, errorCodeLabel, statusCodeLabel } from './labels';
import { apiField, apiStatsKey, bucketIndex, TIMELINE_FIELD, timelineKeys } from './stats-keys';

export interface RunStatsRecorderOptions {
  prefix: string;
  /** At most one Redis round trip per this many ms, however many calls happen. */
  flushIntervalMs?: number;
  /** Lifetime of a run's timeline after its last write. */
  ttlSeconds?: number;
}

/**
 * The processor's hooks carry the run id as a trailing argument (`onOutcome(outcome, runId)`);
 * without it only the cluster-wide counters are recorded.
 */
export interface RunStatsRecorder extends ProcessorObserver {
  onCall(
    tenant: string,
    result: ApiResult | undefined,
    cls: Classification,
    kind: 'create' | 'list',
    runId?: string,
  ): void;
  onOutcome(outcome: Outcome, runId?: string): void;
  onThrottle(tenant: string, waitMs: number, runId?: string): void;
  onRetry(tenant: string, runId?: string): void;
  /** Writes what is batched now (also called by the timer); never rejects. */
  flush(): Promise<void>;
  /**
   * Stops the timer and writes the last batch, waiting at most `timeoutMs`: on a worker
   * connection a write waits for Redis to come back, and shutdown must stay bounded.
   */
  close(timeoutMs?: number): Promise<void>;
}

type Counters = Map<string, number>;

/**
 * Batches per-run time series (rows finished, API latency) and cluster-wide API counters in memory
 * and writes them in one pipeline at most once per `flushIntervalMs`, so the dashboard can chart
 * every worker process without a Redis command per call. Never throws into the processor.
 */
export function createRunStatsRecorder(
  options: RunStatsRecorderOptions,
  deps: { redis: Redis; clock: Clock; logger: Logger },
): RunStatsRecorder {
  const { redis, clock, logger } = deps;
  const interval = options.flushIntervalMs ?? 1000;
  const ttl = options.ttlSeconds ?? 7 * 24 * 3600;
  const errorCode = boundedLabel(50);
  let runs = new Map<string, Counters>();
  let api: Counters = new Map();
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> | undefined;
  let closed = false;
  let lastWarn = -Infinity;

  const add = (m: Counters, field: string, n: number) => m.set(field, (m.get(field) ?? 0) + n);
  const addRun = (runId: string | undefined, field: string, n: number) => {
    if (runId === undefined) return;
    let m = runs.get(runId);
    if (!m) runs.set(runId, (m = new Map<string, number>()));
    const sec = Math.floor(clock.now() / 1000);
    add(m, `s|${sec}|${field}`, n);
    add(m, `m|${sec - (sec % 60)}|${field}`, n);
  };
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
        schedule();
      } catch (err) {
        warn(err);
      }
    };

  function schedule() {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, interval);
    timer.unref();
  }

  function warn(err: unknown) {
    const now = clock.now();
    if (now - lastWarn < 60_000) return;
    lastWarn = now;
    logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'run stats not recorded (the dashboard charts will have a gap)',
    );
  }

  async function write(batchRuns: Map<string, Counters>, batchApi: Counters) {
    const pipe = redis.pipeline();
    for (const [runId, m] of batchRuns) {
      const keys = timelineKeys(options.prefix, runId);
      for (const [field, n] of m) {
        const [res, bucket, name] = field.split('|') as [string, string, string];
        pipe.hincrby(res === 's' ? keys.perSecond : keys.perMinute, `${bucket}|${name}`, n);
      }
      pipe.expire(keys.perSecond, ttl).expire(keys.perMinute, ttl);
    }
    for (const [field, n] of batchApi) pipe.hincrby(apiStatsKey(options.prefix), field, n);
    const res = await pipe.exec();
    const failed = res?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async function flush(): Promise<void> {
    // One write at a time; events keep batching meanwhile and go in the next one.
    while (inflight) await inflight;
    if (runs.size === 0 && api.size === 0) return;
    const batchRuns = runs;
    const batchApi = api;
    runs = new Map();
    api = new Map();
    inflight = write(batchRuns, batchApi)
      .catch(warn)
      .finally(() => {
        inflight = undefined;
      });
    await inflight;
  }

  return {
    onCall: guarded(
      (
        _tenant: string,
        result: ApiResult | undefined,
        cls: Classification,
        kind: 'create' | 'list',
        runId?: string,
      ) => {
        add(
          api,
          apiField.call(kind, statusCodeLabel(result), errorCode(errorCodeLabel(result, cls))),
          1,
        );
        if (!result) return;
        const ms = Math.max(0, Math.round(result.durationMs));
        add(api, apiField.bucket(kind, bucketIndex(ms / 1000)), 1);
        add(api, apiField.latencySumMs(kind), ms);
        add(api, apiField.latencyCount(kind), 1);
        addRun(runId, TIMELINE_FIELD.latencySumMs, ms);
        addRun(runId, TIMELINE_FIELD.latencyCount, 1);
      },
    ),
    onOutcome: guarded((outcome: Outcome, runId?: string) => {
      if (outcome.held) return;
      add(api, apiField.outcome(outcome.status), 1);
      addRun(runId, TIMELINE_FIELD.rows, 1);
    }),
    onThrottle: guarded((_tenant: string, waitMs: number) => {
      add(api, apiField.throttles, 1);
      add(api, apiField.throttleMs, Math.max(0, Math.round(waitMs)));
    }),
    onRetry: guarded(() => {
      add(api, apiField.retries, 1);
    }),
    flush,
    async close(timeoutMs = 2000) {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([
        flush(),
        new Promise<void>((resolve) => (deadline = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(deadline);
    },
  };
}
