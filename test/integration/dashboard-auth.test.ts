import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Worker, type Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { resolveSettings } from '../../src/config/settings';
import type { Tenant } from '../../src/config/tenants';
import { openWorkerRuntime, toEmulatorTenant } from '../../src/cli/runtime';
import { assertSafeBind, authFromEnv, buildDashboard, SESSION_COOKIE } from '../../src/dashboard';
import { jobIdFor } from '../../src/domain/job-id';
import { startEmulator } from '../../src/emulator';
import { systemClock } from '../../src/infra/clock';
import { silentLogger } from '../../src/infra/logger';
import {
  createProvisionQueue,
  QUEUE_NAME,
  type ProvisionJobData,
} from '../../src/queue/provision-queue';
import { createRunStore, type RunStore } from '../../src/runs/run-store';
import { waitForRun } from '../../src/runs/wait-for-run';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

const TOKEN = 'test-token-0123456789';
const RUN = 'r20260101-030000-beef';
let redis: Redis;
let prefix: string;
let store: RunStore;
let queue: Queue<ProvisionJobData>;
let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  redis = testRedis();
  prefix = testPrefix('dauth');
  store = createRunStore(redis, prefix);
  queue = createProvisionQueue(redis, prefix);
  await store.create({
    id: RUN,
    source: '/data/nightly.csv',
    format: 'csv',
    createdAt: Date.now(),
    state: 'running',
    enqueueDone: true,
    total: 1,
    maxLine: 1,
    extraColumns: [],
    tenants: ['globex'],
    options: {},
  });
  await store.setOutcome(RUN, {
    line: 1,
    tenant: 'globex',
    appName: 'app-1',
    status: 'auth_failed',
    held: true,
    requestIds: [],
    attempts: 1,
    reconciled: false,
    extra: {},
  });
  await store.hold(RUN, 'globex', {
    code: 'APIGW.0301',
    message: 'bad signature',
    at: new Date().toISOString(),
  });
  const parked = await queue.add(
    'create-app',
    { runId: RUN, tenant: 'globex', appName: 'app-1', line: 1 },
    { jobId: jobIdFor(RUN, 'globex', 'app-1'), delay: 3_600_000 },
  );
  await store.addParked(RUN, 'globex', parked.id!);
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
  await queue.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const resumeUrl = `/runs/${RUN}/tenants/globex/resume`;
const bearer = { authorization: `Bearer ${TOKEN}` };

/** A job in BullMQ's `failed` set: a worker whose processor throws, one attempt. */
async function failedJob(): Promise<string> {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const worker = new Worker(QUEUE_NAME, () => Promise.reject(new Error('boom')), {
    connection,
    prefix,
    autorun: false,
  });
  const failed = new Promise<string>((resolve) => worker.on('failed', (job) => resolve(job!.id!)));
  const job = await queue.add(
    'create-app',
    { runId: RUN, tenant: 'acme', appName: 'will-fail', line: 9 },
    { jobId: 'fail-me', attempts: 1 },
  );
  void worker.run();
  const id = await failed;
  await worker.close();
  connection.disconnect();
  expect(id).toBe(job.id);
  return id;
}

describe('write actions need the token', () => {
  it('refuses resume without credentials configured (401) and explains how to enable it', async () => {
    app = await buildDashboard({ prefix }, { redis, queue });
    const res = await app.inject({ method: 'POST', url: resumeUrl });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ code: string }>().code).toBe('ERR_UNAUTHENTICATED');
  });

  it('401 without or with a wrong token; resumes with it, promoting the parked job', async () => {
    app = await buildDashboard({ prefix, token: TOKEN }, { redis, queue });
    expect((await app.inject({ method: 'POST', url: resumeUrl })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: resumeUrl,
          headers: { authorization: 'Bearer nope' },
        })
      ).statusCode,
    ).toBe(401);
    const res = await app.inject({ method: 'POST', url: resumeUrl, headers: bearer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ run: RUN, tenant: 'globex', released: 1, promoted: 1 });
    expect(await store.held(RUN)).toEqual({});
    expect(await (await queue.getJob(jobIdFor(RUN, 'globex', 'app-1')))!.getState()).toBe(
      'waiting',
    );
    const again = await app.inject({ method: 'POST', url: resumeUrl, headers: bearer });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ code: string }>().code).toBe('ERR_NOT_HELD');
  });

  it('a read-only dashboard refuses writes even with the token (403)', async () => {
    app = await buildDashboard({ prefix, token: TOKEN, readOnly: true }, { redis, queue });
    const res = await app.inject({ method: 'POST', url: resumeUrl, headers: bearer });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('ERR_READ_ONLY');
    const board = await app.inject({ url: '/queues/api/queues', headers: bearer });
    expect(board.json<{ queues: Array<{ readOnlyMode: boolean }> }>().queues[0]!.readOnlyMode).toBe(
      true,
    );
  });

  it('logs in with ?token= into a same-site cookie, only redirects to local paths, and refuses cross-origin writes', async () => {
    app = await buildDashboard({ prefix, token: TOKEN }, { redis, queue });
    expect((await app.inject('/login?token=wrong')).statusCode).toBe(401);
    const login = await app.inject(`/login?token=${TOKEN}&next=${encodeURIComponent('/queues')}`);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/queues');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(
      (await app.inject(`/login?token=${TOKEN}&next=${encodeURIComponent('//evil.example/x')}`))
        .headers.location,
    ).toBe('/');

    const page = await app.inject({ url: `/runs/${RUN}`, headers: { cookie } });
    expect(page.body).toContain('<button type="submit">Resume</button>');
    const cross = await app.inject({
      method: 'POST',
      url: resumeUrl,
      headers: { cookie, origin: 'http://evil.example', host: 'localhost:80' },
    });
    expect(cross.statusCode).toBe(403);
    expect(cross.json<{ code: string }>().code).toBe('ERR_CROSS_ORIGIN');
    const form = await app.inject({
      method: 'POST',
      url: resumeUrl,
      headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`/runs/${RUN}?resumed=globex&n=1`);
  });

  it('basic auth: /login asks the browser, then signs in', async () => {
    app = await buildDashboard(
      { prefix, basicAuth: { user: 'ops', password: 'pw' } },
      { redis, queue },
    );
    const ask = await app.inject('/login');
    expect(ask.statusCode).toBe(401);
    expect(ask.headers['www-authenticate']).toMatch(/^Basic /);
    const ok = await app.inject({
      url: '/login',
      headers: { authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` },
    });
    expect(ok.statusCode).toBe(303);
    const res = await app.inject({
      method: 'POST',
      url: resumeUrl,
      headers: { authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('bull-board', () => {
  it('is read-only without the token and writable with it', async () => {
    const failedId = await failedJob();
    app = await buildDashboard({ prefix, token: TOKEN }, { redis, queue });
    const ui = await app.inject('/queues');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('/queues/');
    const anon = await app.inject('/queues/api/queues?activeQueue=provision&status=failed');
    const anonQueue = anon.json<{
      queues: Array<{ name: string; readOnlyMode: boolean; jobs: Array<{ id: string }> }>;
    }>().queues[0]!;
    expect(anonQueue).toMatchObject({ name: QUEUE_NAME, readOnlyMode: true });
    expect(anonQueue.jobs.map((j) => j.id)).toEqual([failedId]);

    const retryUrl = `/queues/api/queues/${QUEUE_NAME}/${failedId}/retry`;
    const denied = await app.inject({ method: 'PUT', url: retryUrl });
    expect(denied.statusCode).toBe(401);
    expect(await (await queue.getJob(failedId))!.getState()).toBe('failed');

    const authed = await app.inject({ url: '/queues/api/queues', headers: bearer });
    expect(
      authed.json<{ queues: Array<{ readOnlyMode: boolean }> }>().queues[0]!.readOnlyMode,
    ).toBe(false);
    const retried = await app.inject({ method: 'PUT', url: retryUrl, headers: bearer });
    expect(retried.statusCode).toBeLessThan(300);
    expect(await (await queue.getJob(failedId))!.getState()).toBe('waiting');
    // The writable board is reachable only through authentication, never by its internal path.
    expect((await app.inject('/_rw-x/queues/api/queues')).statusCode).toBe(404);
  });

  it('shows job payloads of a real run without any secret', async () => {
    const emulator = await startEmulator({ rate: false });
    cleanups.push(() => emulator.close());
    const tenant: Tenant = {
      id: 'acme',
      credentials: {
        type: 'aksk',
        ak: 'AKSECRETPROBE0001',
        sk: 'sk-super-secret-value-0001',
        projectId: 'p'.repeat(32),
      },
    };
    emulator.addTenant(toEmulatorTenant(tenant));
    const settings = resolveSettings(
      { redisUrl: redisUrl(), prefix, rate: '100/1s', concurrency: '4' },
      {},
    );
    // The runtime records per-run stats itself; closing it flushes them.
    const runtime = openWorkerRuntime({
      settings,
      tenants: { resolve: (id) => (id === 'acme' ? tenant : undefined) },
      endpoint: emulator.url,
      iamEndpoint: emulator.url,
      logger: silentLogger(),
    });
    cleanups.push(() => runtime.close(1000));
    const runId = 'r20260101-040000-cafe';
    await store.create({
      id: runId,
      source: '/data/a.csv',
      format: 'csv',
      createdAt: Date.now(),
      state: 'running',
      enqueueDone: true,
      total: 2,
      maxLine: 2,
      extraColumns: ['owner'],
      tenants: ['acme'],
      options: {},
    });
    for (const line of [1, 2]) {
      await queue.add(
        'create-app',
        {
          runId,
          tenant: 'acme',
          appName: `secret-probe-${line}`,
          line,
          extra: { owner: 'team-a' },
        },
        { jobId: jobIdFor(runId, 'acme', `secret-probe-${line}`) },
      );
    }
    runtime.start();
    const done = await waitForRun(store, runId, { clock: systemClock, intervalMs: 25 });
    expect(done.counts.byStatus.created).toBe(2);
    await runtime.close(1000);

    app = await buildDashboard({ prefix, token: TOKEN }, { redis, queue });
    const res = await app.inject({
      url: '/queues/api/queues?activeQueue=provision&status=completed',
      headers: bearer,
    });
    const jobs = res.json<{ queues: Array<{ jobs: Array<{ data: Record<string, unknown> }> }> }>()
      .queues[0]!.jobs;
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      expect(
        Object.keys(job.data).every((k) =>
          ['runId', 'tenant', 'appName', 'line', 'extra', 'knownAppId', 'st'].includes(k),
        ),
      ).toBe(true);
    }
    for (const secret of [
      tenant.credentials.type === 'aksk' ? tenant.credentials.sk : '',
      'AKSECRETPROBE0001',
      'p'.repeat(32),
    ])
      expect(res.body).not.toContain(secret);

    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain(
      'rtcp_api_calls_total{kind="create",status_code="201",error_code="none"} 2',
    );
    expect(metrics.body).toContain('rtcp_outcomes_total{status="created"} 2');
  });
});

describe('binding', () => {
  it('refuses a non-loopback address without credentials, with a config error', () => {
    expect(() => assertSafeBind('0.0.0.0', {})).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG' }) as Error,
    );
    expect(() => assertSafeBind('127.0.0.1', {})).not.toThrow();
    expect(() => assertSafeBind('0.0.0.0', { token: 't' })).not.toThrow();
    expect(() =>
      assertSafeBind('10.0.0.5', authFromEnv({ DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'pw' })),
    ).not.toThrow();
    expect(() => authFromEnv({ DASHBOARD_USER: 'ops' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG' }) as Error,
    );
  });
});
