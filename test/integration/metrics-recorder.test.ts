import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { Redis as IORedis } from 'ioredis';
import type { Outcome } from '../../src/domain/outcome';
import { ManualClock } from '../../src/infra/clock';
import { silentLogger } from '../../src/infra/logger';
import {
  composeObservers,
  createMetricsRegistry,
  createProcessorMetrics,
  createRunStatsRecorder,
  parseTimeline,
  readTimeline,
  timelineKeys,
} from '../../src/metrics';
import type { ProcessorObserver } from '../../src/provision/processor';
import type { ApiResult } from '../../src/rtc/types';
import { deletePrefix, testPrefix, testRedis } from '../helpers/redis';

const created = (ms: number): ApiResult => ({
  status: 201,
  body: { app_id: 'x' },
  durationMs: ms,
  method: 'POST',
  path: '/v2/apps',
  requestId: 'rid',
});
const error500 = (ms: number): ApiResult => ({
  status: 500,
  body: {},
  errorCode: 'RTC.00002001',
  errorMsg: 'internal',
  durationMs: ms,
  method: 'POST',
  path: '/v2/apps',
});
const outcome = (status: Outcome['status'], held = false): Outcome => ({
  line: 1,
  tenant: 'acme',
  appName: 'a',
  status,
  requestIds: [],
  attempts: 1,
  reconciled: false,
  extra: {},
  ...(held ? { held } : {}),
});

describe('composeObservers', () => {
  it('calls every observer, and a throwing one never reaches the processor', () => {
    const seen: string[] = [];
    const errors: string[] = [];
    const bad: ProcessorObserver = {
      onRetry: () => {
        throw new Error('broken metrics');
      },
    };
    const good: ProcessorObserver = {
      onRetry: (t) => seen.push(`retry ${t}`),
      onThrottle: (t, ms) => seen.push(`throttle ${t} ${ms}`),
    };
    const both = composeObservers([bad, undefined, good], (_err, hook) => errors.push(hook));
    expect(() => both.onRetry!('acme')).not.toThrow();
    both.onThrottle!('acme', 2000);
    expect(seen).toEqual(['retry acme', 'throttle acme 2000']);
    expect(errors).toEqual(['onRetry']);
  });
});

describe('processor metrics (one worker process)', () => {
  it('counts calls by status and error code, latency, retries, throttles and outcomes, with bounded labels', async () => {
    const registry = createMetricsRegistry();
    const m = createProcessorMetrics(registry, { maxErrorCodes: 2 });
    m.onCall!('acme', created(120), { kind: 'created', appId: 'x' }, 'create');
    m.onCall!(
      'acme',
      error500(40),
      { kind: 'retry', ambiguous: true, code: 'RTC.00002001' },
      'create',
    );
    m.onCall!('acme', undefined, { kind: 'retry', ambiguous: true, code: 'ERR_TIMEOUT' }, 'create');
    m.onCall!(
      'acme',
      { ...error500(1), errorCode: 'RTC.00002002' },
      { kind: 'retry', ambiguous: true },
      'create',
    );
    m.onCall!(
      'acme',
      { ...error500(1), errorCode: '<script>' },
      { kind: 'retry', ambiguous: true },
      'create',
    );
    m.onRetry!('acme');
    m.onThrottle!('acme', 2500);
    m.onOutcome!(outcome('created'));
    m.onOutcome!(outcome('auth_failed', true));
    const text = await registry.metrics();
    expect(text).toContain(
      'rtcp_worker_api_calls_total{kind="create",status_code="201",error_code="none"} 1',
    );
    expect(text).toContain(
      'rtcp_worker_api_calls_total{kind="create",status_code="500",error_code="RTC.00002001"} 1',
    );
    expect(text).toContain(
      'rtcp_worker_api_calls_total{kind="create",status_code="network",error_code="ERR_TIMEOUT"} 1',
    );
    // A third distinct code and a malformed one both fall into `other`.
    expect(text).toContain(
      'rtcp_worker_api_calls_total{kind="create",status_code="500",error_code="other"} 2',
    );
    expect(text).toContain(
      'rtcp_worker_api_call_duration_seconds_bucket{le="0.25",kind="create"} 4',
    );
    expect(text).toContain('rtcp_worker_api_call_duration_seconds_count{kind="create"} 4');
    expect(text).toContain('rtcp_worker_retries_total 1');
    expect(text).toContain('rtcp_worker_throttle_wait_seconds_total 2.5');
    expect(text).toContain('rtcp_worker_outcomes_total{status="created"} 1');
    expect(text).not.toContain('auth_failed');
    expect(text).not.toContain('acme');
  });
});

describe('run stats recorder', () => {
  let redis: Redis;
  let prefix: string;
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix('stats');
  });
  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('batches many events into one pipeline per flush and charts them per second', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 2, 0, 0));
    const recorder = createRunStatsRecorder(
      { prefix, flushIntervalMs: 60_000 },
      { redis, clock, logger: silentLogger() },
    );
    const pipeline = vi.spyOn(redis, 'pipeline');
    for (let i = 0; i < 50; i++) {
      recorder.onCall('acme', created(100), { kind: 'created', appId: 'x' }, 'create', 'run-1');
      recorder.onOutcome(outcome('created'), 'run-1');
    }
    clock.advance(2000);
    recorder.onCall('acme', created(300), { kind: 'created', appId: 'x' }, 'create', 'run-1');
    recorder.onOutcome(outcome('failed'), 'run-1');
    recorder.onOutcome(outcome('auth_failed', true), 'run-1');
    recorder.onRetry('acme', 'run-1');
    recorder.onThrottle('acme', 1500, 'run-1');
    expect(pipeline).not.toHaveBeenCalled();
    await recorder.flush();
    expect(pipeline).toHaveBeenCalledTimes(1);
    await recorder.flush();
    expect(pipeline).toHaveBeenCalledTimes(1);

    const timeline = await readTimeline(redis, prefix, 'run-1');
    expect(timeline.resolutionS).toBe(1);
    expect(timeline.points).toEqual([
      { t: Date.UTC(2026, 0, 1, 2, 0, 0), rows: 50, latencyMs: 100 },
      { t: Date.UTC(2026, 0, 1, 2, 0, 1), rows: 0 },
      { t: Date.UTC(2026, 0, 1, 2, 0, 2), rows: 1, latencyMs: 300 },
    ]);
    const keys = timelineKeys(prefix, 'run-1');
    expect(await redis.ttl(keys.perSecond)).toBeGreaterThan(0);
    expect(parseTimeline(await redis.hgetall(keys.perMinute), 60).points).toEqual([
      { t: Date.UTC(2026, 0, 1, 2, 0, 0), rows: 51, latencyMs: 104 },
    ]);
    const api = await redis.hgetall(`${prefix}:stats:api`);
    expect(api).toMatchObject({
      'c|create|201|none': '51',
      'o|created': '50',
      'o|failed': '1',
      retries: '1',
      throttles: '1',
      throttle_ms: '1500',
      'ln|create': '51',
    });
    await recorder.close();
  });

  it('never throws into the processor when Redis is gone, and warns once', async () => {
    const dead = new IORedis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const logger = silentLogger();
    const warn = vi.spyOn(logger, 'warn');
    const recorder = createRunStatsRecorder(
      { prefix },
      { redis: dead, clock: new ManualClock(0), logger },
    );
    expect(() => recorder.onOutcome(outcome('created'), 'run-1')).not.toThrow();
    await expect(recorder.flush()).resolves.toBeUndefined();
    recorder.onOutcome(outcome('created'), 'run-1');
    await recorder.close();
    expect(warn).toHaveBeenCalledTimes(1);
    dead.disconnect();
  });

  it('writes on its own timer, at most once per interval', async () => {
    const recorder = createRunStatsRecorder(
      { prefix, flushIntervalMs: 20 },
      { redis, clock: new ManualClock(5_000), logger: silentLogger() },
    );
    const exec = vi.spyOn(redis, 'pipeline');
    recorder.onOutcome(outcome('created'), 'run-2');
    recorder.onOutcome(outcome('created'), 'run-2');
    await vi.waitFor(async () =>
      expect(await redis.hget(timelineKeys(prefix, 'run-2').perSecond, '5|r')).toBe('2'),
    );
    expect(exec).toHaveBeenCalledTimes(1);
    await recorder.close();
  });
});

describe('parseTimeline', () => {
  it('fills gaps, keeps the newest points, ignores junk', () => {
    const t = parseTimeline(
      { '10|r': '1', '13|r': '2', '13|ls': '50', '13|ln': '2', 'x|r': '9', '14|zz': '1' },
      1,
      3,
    );
    expect(t.points).toEqual([
      { t: 12_000, rows: 0 },
      { t: 13_000, rows: 2, latencyMs: 25 },
      { t: 14_000, rows: 0 },
    ]);
    expect(parseTimeline({}, 60).points).toEqual([]);
  });
});
