import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildDashboard } from '../../src/dashboard';
import type { Outcome } from '../../src/domain/outcome';
import { createProvisionQueue, type ProvisionJobData } from '../../src/queue/provision-queue';
import { reportColumns } from '../../src/report';
import { createRunStore, type RunStore } from '../../src/runs/run-store';
import type { Queue } from 'bullmq';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

const RUN = 'r20260101-020000-abcd';
let redis: Redis;
let prefix: string;
let store: RunStore;
let queue: Queue<ProvisionJobData>;
let app: FastifyInstance;

function outcome(
  line: number,
  tenant: string,
  status: Outcome['status'],
  extra: Partial<Outcome> = {},
): Outcome {
  return {
    line,
    tenant,
    appName: `app-${line}`,
    status,
    requestIds: [`req-${line}-a`],
    attempts: 1,
    reconciled: false,
    extra: { owner: `o${line}` },
    ...extra,
  };
}

/** A run of 5 rows: created, exists, failed, held (auth), and one still queued. */
async function seedRun(): Promise<void> {
  await store.create({
    id: RUN,
    source: '/data/migration.csv',
    format: 'csv',
    createdAt: Date.UTC(2026, 0, 1, 2),
    state: 'running',
    enqueueDone: true,
    total: 5,
    maxLine: 5,
    extraColumns: ['owner'],
    tenants: ['acme', 'globex', 'initech'],
    options: {},
  });
  await store.setOutcomes(RUN, [
    outcome(1, 'acme', 'created', { appId: 'a'.repeat(32), httpStatus: 201, requestId: 'req-1-a' }),
    outcome(2, 'acme', 'exists', { httpStatus: 400, errorCode: 'RTC.00001020' }),
    outcome(3, 'acme', 'failed', {
      httpStatus: 500,
      errorCode: 'RTC.00002001',
      errorMsg: 'gave up after 6 attempts',
      requestId: 'req-3-f',
      requestIds: ['req-3-a', 'req-3-f'],
      attempts: 6,
    }),
    outcome(4, 'globex', 'auth_failed', { held: true, httpStatus: 401, errorCode: 'APIGW.0301' }),
  ]);
  await store.hold(RUN, 'globex', {
    code: 'APIGW.0301',
    message: 'incorrect IAM authentication information',
    httpStatus: 401,
    at: new Date().toISOString(),
  });
  const parked = await queue.add(
    'create-app',
    { runId: RUN, tenant: 'globex', appName: 'app-4', line: 4 },
    { jobId: `${RUN}-globex-4`, delay: 3_600_000 },
  );
  await store.addParked(RUN, 'globex', parked.id!);
  await queue.add(
    'create-app',
    { runId: RUN, tenant: 'initech', appName: 'app-5', line: 5 },
    { jobId: `${RUN}-initech-5` },
  );
}

beforeAll(() => {
  redis = testRedis();
});
afterAll(() => {
  redis.disconnect();
});
beforeEach(async () => {
  prefix = testPrefix('dash');
  store = createRunStore(redis, prefix);
  queue = createProvisionQueue(redis, prefix);
  await seedRun();
});
afterEach(async () => {
  await app?.close();
  await queue.close();
  await deletePrefix(redis, prefix);
});

describe('run pages', () => {
  beforeEach(async () => {
    app = await buildDashboard({ prefix }, { redis, queue });
  });

  it('lists runs with source, start, state and progress', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toContain(`href="/runs/${RUN}"`);
    expect(res.body).toContain('migration.csv');
    expect(res.body).toContain('2026-01-01 02:00:00Z');
    expect(res.body).toContain('80 %');
    expect(res.body).toContain('4/5');
    const api = await app.inject('/api/runs');
    expect(
      api
        .json<{ runs: Array<{ meta: { id: string }; progress: { percent: number } }> }>()
        .runs.map((r) => [r.meta.id, r.progress.percent]),
    ).toEqual([[RUN, 80]]);
  });

  it('shows a run: progress, counts, tenants, failures with request ids, held tenants, report links', async () => {
    const res = await app.inject(`/runs/${RUN}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('<b id="progress-text">80 %</b>');
    expect(body).toMatch(/data-status="created">created <b>1<\/b>/);
    expect(body).toMatch(/data-status="held">held <b>1<\/b>/);
    expect(body).toContain('data-tenant="acme"');
    expect(body).toContain('data-tenant="initech"');
    expect(body).toContain('RTC.00002001');
    expect(body).toContain('req-3-a req-3-f');
    expect(body).toContain('data-held="globex"');
    expect(body).toContain('disabled title="log in to resume"');
    expect(body).toContain(`/runs/${RUN}/report.csv`);
    expect(body).toContain(`/runs/${RUN}/report.jsonl`);
    expect(body).toContain('<svg class="chart"');
  });

  it('answers the live refresh with JSON and the re-rendered sections, including the throttle wait', async () => {
    const [s, us] = await redis.time();
    await redis.set(
      `${prefix}:limit:acme:pause`,
      String(Number(s) * 1000 + Math.floor(Number(us) / 1000) + 5000),
      'PX',
      10_000,
    );
    const res = await app.inject(`/api/runs/${RUN}?failures=1&html=1`);
    expect(res.statusCode).toBe(200);
    const view = res.json<{
      progress: { settled: number; total: number; percent: number; complete: boolean };
      unsuccessful: number;
      tenants: Array<{
        tenant: string;
        created: number;
        failed: number;
        held: number;
        throttleWaitMs: number;
      }>;
      failures: { rows: Array<{ line: number; errorCode?: string; requestIds: string[] }> };
      sections: Record<string, string>;
    }>();
    expect(view.progress).toEqual({ settled: 4, total: 5, percent: 80, complete: false });
    expect(view.unsuccessful).toBe(2);
    const acme = view.tenants.find((t) => t.tenant === 'acme')!;
    expect(acme).toMatchObject({ created: 1, failed: 1, held: 0 });
    expect(acme.throttleWaitMs).toBeGreaterThan(3000);
    expect(acme.throttleWaitMs).toBeLessThanOrEqual(5000);
    expect(view.tenants[0]!.tenant).toBe('globex');
    expect(view.failures.rows.map((f) => [f.line, f.errorCode])).toEqual([
      [3, 'RTC.00002001'],
      [4, 'APIGW.0301'],
    ]);
    expect(Object.keys(view.sections).sort()).toEqual([
      'chart',
      'failures',
      'held',
      'progress',
      'statuses',
      'tenants',
    ]);
  });

  it('reaches 100 % only when every row is settled', async () => {
    await store.setOutcome(RUN, outcome(5, 'initech', 'created'));
    const view = (await app.inject(`/api/runs/${RUN}`)).json<{
      progress: { percent: number; complete: boolean };
    }>();
    expect(view.progress).toMatchObject({ percent: 100, complete: true });
  });

  it('answers 404 for an unknown run, as HTML or JSON', async () => {
    const page = await app.inject({ url: '/runs/nope', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Run not found');
    const api = await app.inject('/api/runs/nope');
    expect(api.statusCode).toBe(404);
    expect(api.json<{ code: string }>().code).toBe('ERR_RUN_NOT_FOUND');
    expect((await app.inject('/runs/nope/report.csv')).statusCode).toBe(404);
  });

  it('streams the report as CSV and JSON Lines with the report columns', async () => {
    const csv = await app.inject(`/runs/${RUN}/report.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${RUN}.csv"`);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(reportColumns(['owner']).join(','));
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('RTC.00002001');
    expect(lines[3]).toContain('req-3-a req-3-f');
    const jsonl = await app.inject(`/runs/${RUN}/report.jsonl`);
    const rows = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; status: string; owner: string });
    expect(rows.map((r) => [r.line, r.status, r.owner])).toEqual([
      [1, 'created', 'o1'],
      [2, 'exists', 'o2'],
      [3, 'failed', 'o3'],
      [4, 'auth_failed', 'o4'],
    ]);
  });

  it('serves the client script without a CDN', async () => {
    const res = await app.inject('/assets/dashboard.js');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/api/runs/');
    const page = await app.inject(`/runs/${RUN}`);
    expect(page.body).not.toMatch(/https?:\/\//);
  });
});

describe('health', () => {
  it('/healthz says the process is up and /readyz that Redis answers', async () => {
    app = await buildDashboard({ prefix }, { redis, queue });
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
  });

  it('/readyz answers 503 quickly when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 1,
      retryStrategy: () => 500,
      lazyConnect: true,
    });
    dead.on('error', () => {});
    const deadQueue = createProvisionQueue(dead, prefix);
    deadQueue.on('error', () => {});
    app = await buildDashboard({ prefix, readyTimeoutMs: 300 }, { redis: dead, queue: deadQueue });
    const started = Date.now();
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json<{ code: string }>().code).toBe('ERR_REDIS_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    dead.disconnect();
  });

  it('uses the REDIS_URL of the suite', () => {
    expect(redisUrl()).toMatch(/^redis:\/\//);
  });
});
