import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildDashboard } from '../../src/dashboard';
import { ManualClock } from '../../src/infra/clock';
import { silentLogger } from '../../src/infra/logger';
import { createMetricsRegistry, createRunStatsRecorder } from '../../src/metrics';
import { createProvisionQueue, type ProvisionJobData } from '../../src/queue/provision-queue';
import { createRunStore, type RunStore } from '../../src/runs/run-store';
import type { Queue } from 'bullmq';
import { deletePrefix, testPrefix, testRedis } from '../helpers/redis';

/** Prometheus text format 0.0.4: a sample line, or a HELP/TYPE comment. prom-client writes NaN as `Nan`, which Prometheus's float parser accepts. */
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|Nan|\+Inf|-Inf)( -?\d+)?$/;
const COMMENT =
  /^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))$/;

function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      expect(line).toMatch(COMMENT);
      continue;
    }
    expect(line).toMatch(SAMPLE);
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

let redis: Redis;
let prefix: string;
let store: RunStore;
let queue: Queue<ProvisionJobData>;
let app: FastifyInstance | undefined;

beforeEach(async () => {
  redis = testRedis();
  prefix = testPrefix('prom');
  store = createRunStore(redis, prefix);
  queue = createProvisionQueue(redis, prefix);
  const base = {
    source: '/data/x.csv',
    format: 'csv',
    createdAt: Date.now(),
    enqueueDone: true,
    extraColumns: [],
    options: {},
  };
  await store.create({
    ...base,
    id: 'r-live',
    state: 'running',
    total: 3,
    maxLine: 3,
    tenants: ['acme', 'glo"bex'],
  });
  await store.create({
    ...base,
    id: 'r-old',
    state: 'finished',
    total: 1,
    maxLine: 1,
    tenants: ['old-tenant'],
  });
  const o = (line: number, tenant: string, status: 'created' | 'failed') => ({
    line,
    tenant,
    appName: `a${line}`,
    status,
    requestIds: [],
    attempts: 1,
    reconciled: false,
    extra: {},
  });
  await store.setOutcomes('r-live', [o(1, 'acme', 'created'), o(2, 'glo"bex', 'failed')]);
  await store.setOutcomes('r-old', [o(1, 'old-tenant', 'created')]);
  await store.hold('r-live', 'glo"bex', {
    code: 'APIGW.0301',
    message: 'x',
    at: new Date().toISOString(),
  });
  await queue.add(
    'create-app',
    { runId: 'r-live', tenant: 'acme', appName: 'a3', line: 3 },
    { jobId: 'r-live-3' },
  );
  await queue.add(
    'create-app',
    { runId: 'r-live', tenant: 'acme', appName: 'a4', line: 4 },
    { jobId: 'r-live-4', delay: 60_000 },
  );
  // What worker processes record, as they would through the processor's hooks.
  const recorder = createRunStatsRecorder(
    { prefix },
    { redis, clock: new ManualClock(1000), logger: silentLogger() },
  );
  const ok = {
    status: 201,
    body: { app_id: 'x' },
    durationMs: 80,
    method: 'POST',
    path: '/v2/apps',
  };
  recorder.onCall('acme', ok, { kind: 'created', appId: 'x' }, 'create', 'r-live');
  recorder.onCall(
    'acme',
    { ...ok, status: 429, errorCode: 'APIGW.0308', durationMs: 3000 },
    { kind: 'throttled' },
    'create',
    'r-live',
  );
  recorder.onCall(
    'acme',
    undefined,
    { kind: 'retry', ambiguous: true, code: 'ERR_RESET' },
    'create',
    'r-live',
  );
  recorder.onThrottle('acme', 2000, 'r-live');
  recorder.onRetry('acme', 'r-live');
  recorder.onOutcome({ ...o(1, 'acme', 'created') }, 'r-live');
  await recorder.close();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await queue.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('/metrics', () => {
  it('is valid Prometheus text with runs, rows by tenant and status, queue depth and the API series', async () => {
    app = await buildDashboard(
      { prefix },
      { redis, queue, registry: createMetricsRegistry({ processMetrics: true }) },
    );
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parse(res.body);
    expect(m.get('rtcp_runs_in_progress')).toBe(1);
    expect(m.get('rtcp_queue_jobs{state="waiting"}')).toBe(1);
    expect(m.get('rtcp_queue_jobs{state="delayed"}')).toBe(1);
    expect(m.get('rtcp_queue_jobs{state="failed"}')).toBe(0);
    expect(m.get('rtcp_run_rows{run="r-live",tenant="acme",status="created"}')).toBe(1);
    expect(m.get('rtcp_run_rows{run="r-live",tenant="glo\\"bex",status="failed"}')).toBe(1);
    expect(m.get('rtcp_run_rows_expected{run="r-live"}')).toBe(3);
    expect(m.get('rtcp_run_rows_done{run="r-live"}')).toBe(2);
    expect(m.get('rtcp_run_held_tenants{run="r-live"}')).toBe(1);
    expect([...m.keys()].some((k) => k.includes('old-tenant'))).toBe(false);
    expect(m.get('rtcp_api_calls_total{kind="create",status_code="201",error_code="none"}')).toBe(
      1,
    );
    expect(
      m.get('rtcp_api_calls_total{kind="create",status_code="429",error_code="APIGW.0308"}'),
    ).toBe(1);
    expect(
      m.get('rtcp_api_calls_total{kind="create",status_code="network",error_code="ERR_RESET"}'),
    ).toBe(1);
    expect(m.get('rtcp_api_call_duration_seconds_bucket{kind="create",le="0.1"}')).toBe(1);
    expect(m.get('rtcp_api_call_duration_seconds_bucket{kind="create",le="5"}')).toBe(2);
    expect(m.get('rtcp_api_call_duration_seconds_bucket{kind="create",le="+Inf"}')).toBe(2);
    expect(m.get('rtcp_api_call_duration_seconds_count{kind="create"}')).toBe(2);
    expect(m.get('rtcp_api_call_duration_seconds_sum{kind="create"}')).toBeCloseTo(3.08);
    expect(m.get('rtcp_retries_total')).toBe(1);
    expect(m.get('rtcp_throttle_waits_total')).toBe(1);
    expect(m.get('rtcp_throttle_wait_seconds_total')).toBe(2);
    expect(m.get('rtcp_outcomes_total{status="created"}')).toBe(1);
    expect(m.get('rtcp_run_rows_truncated')).toBe(0);
    expect(m.has('rtcp_process_cpu_user_seconds_total')).toBe(true);
    expect(res.body).toContain('# TYPE rtcp_api_call_duration_seconds histogram');
  });

  it('caps the tenant series', async () => {
    app = await buildDashboard({ prefix, maxRowSeries: 1 }, { redis, queue });
    const m = parse((await app.inject('/metrics')).body);
    expect([...m.keys()].filter((k) => k.startsWith('rtcp_run_rows{'))).toHaveLength(1);
    expect(m.get('rtcp_run_rows_truncated')).toBe(1);
  });
});
