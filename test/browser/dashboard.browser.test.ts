import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { resolveSettings } from '../../src/config/settings';
import { emulatorTenantSource, openProducer, openWorkerRuntime } from '../../src/cli/runtime';
import { buildDashboard } from '../../src/dashboard';
import { startEmulator, type Emulator } from '../../src/emulator';
import { silentLogger } from '../../src/infra/logger';
import { readInput } from '../../src/input';
import { createMetricsRegistry, createProcessorMetrics } from '../../src/metrics';
import { QUEUE_NAME } from '../../src/queue/provision-queue';
import { enqueueItems } from '../../src/queue/producer';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

/**
 * A real browser over a real run: Debian's chromium (never a downloaded one) driven by
 * playwright-core. Without /usr/bin/chromium this FAILS under CI=true (`.ci/run` installs it)
 * and is skipped locally.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) {
  throw new Error(
    `${CHROMIUM} not found: the dashboard's browser test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it)`,
  );
}

const ARTIFACTS = resolve('test-artifacts');
const TOKEN = 'browser-test-token-42';
const RUN_ID = 'r20260101-050000-b0b0';
const ROWS = 24;

describe.skipIf(!hasChromium)('dashboard in a real browser', () => {
  const prefix = testPrefix('browser');
  const cleanups: Array<() => Promise<unknown>> = [];
  let redis: Redis;
  let emulator: Emulator;
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    redis = testRedis();
    cleanups.push(async () => {
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    emulator = await startEmulator({ rate: false, faults: { latencyMs: [20, 60] } });
    cleanups.push(() => emulator.close());

    app = await buildDashboard({ prefix, token: TOKEN, refreshMs: 400 }, { redis });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());

    const userDataDir = await mkdtemp(join(tmpdir(), 'rtcp-chromium-'));
    cleanups.push(() => rm(userDataDir, { recursive: true, force: true }));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    cleanups.push(() => context.close());
    // No internet here: bull-board's web-font link is answered locally instead of timing out.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('watches a run reach 100 %, then retries a failed job in bull-board', async () => {
    // A real run through the product's pieces: producer, queue, workers, emulator.
    const dir = await mkdtemp(join(tmpdir(), 'rtcp-input-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const csv = join(dir, 'browser-run.csv');
    const lines = Array.from(
      { length: ROWS },
      (_, i) =>
        `${i % 2 ? 'acme' : 'globex'},browser-app-${String(i).padStart(2, '0')},CR-${1000 + i}`,
    );
    await writeFile(csv, `tenant,app_name,customer_ref\n${lines.join('\n')}\n`);
    const settings = resolveSettings(
      { redisUrl: redisUrl(), prefix, rate: '6/1s', concurrency: '4' },
      {},
    );
    const producer = openProducer(settings);
    cleanups.push(() => producer.close());
    // The runtime records the run's time series itself (the processor passes the run id).
    const runtime = openWorkerRuntime({
      settings,
      tenants: emulatorTenantSource(emulator, undefined),
      endpoint: emulator.url,
      iamEndpoint: emulator.url,
      logger: silentLogger(),
      observer: createProcessorMetrics(createMetricsRegistry()),
    });
    let runtimeClosed = false;
    cleanups.push(async () => {
      if (!runtimeClosed) await runtime.close(1000);
    });
    await producer.store.create({
      id: RUN_ID,
      source: csv,
      format: 'csv',
      createdAt: Date.now(),
      state: 'enqueuing',
      enqueueDone: false,
      extraColumns: [],
      tenants: [],
      options: { emulator: true },
    });
    runtime.start();

    await page.goto(`${base}/`);
    await page.locator(`tr[data-run="${RUN_ID}"]`).waitFor();

    const enq = await enqueueItems(
      readInput(csv, { format: 'csv' }),
      { queue: producer.queue, store: producer.store },
      { runId: RUN_ID, settings: { prefix, attempts: 9 } },
    );
    await producer.store.update(RUN_ID, {
      state: 'running',
      enqueueDone: true,
      total: enq.total,
      maxLine: enq.maxLine,
      tenants: enq.tenants,
      extraColumns: enq.extraColumns,
    });

    await page.goto(`${base}/runs/${RUN_ID}`);
    await page.locator('#progress-text').waitFor();
    const firstSeen = await page.locator('#progress-text').textContent();
    await page.locator('#progress-text', { hasText: /^100 %$/ }).waitFor({ timeout: 30_000 });
    await page.locator('[data-status="created"] b', { hasText: String(ROWS) }).waitFor();
    await page
      .locator('#chart svg[aria-label="rows completed and API latency over time"]')
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run-page.png'), fullPage: true });
    expect(firstSeen).toMatch(/^\d+ %$/);
    expect(await page.locator('tr[data-tenant="acme"] td.n').first().textContent()).toBe(
      String(ROWS / 2),
    );

    // The report downloads straight from the page.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[href$="/report.csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${RUN_ID}.csv`);

    // A job that fails in BullMQ (our processor records failures as outcomes, so a raw worker that throws).
    await runtime.close(1000);
    runtimeClosed = true;
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const failing = new Worker(
      QUEUE_NAME,
      () => Promise.reject(new Error('simulated worker crash')),
      { connection, prefix, autorun: false },
    );
    const failed = new Promise<string>((ok) => failing.on('failed', (job) => ok(job!.id!)));
    await producer.queue.add(
      'create-app',
      { runId: RUN_ID, tenant: 'acme', appName: 'browser-broken-row', line: 999 },
      { jobId: 'browser-broken-row', attempts: 1 },
    );
    void failing.run();
    const failedId = await failed;
    await failing.close();
    connection.disconnect();

    // bull-board's job card: its retry button is the one with the refresh icon and no text.
    const retryJob = page.locator('button:has(svg.lucide-refresh-cw)').filter({ hasNotText: /\S/ });

    // Read-only without the token: the failed job is visible, its retry is not offered.
    await page.goto(`${base}/queues/queue/${QUEUE_NAME}?status=failed`);
    await page.getByText('simulated worker crash').first().waitFor();
    await page.screenshot({
      path: join(ARTIFACTS, 'dashboard-bull-board-read-only.png'),
      fullPage: true,
    });
    expect(await retryJob.count()).toBe(0);

    // Signed in with the token, the same page can retry it.
    await page.goto(
      `${base}/login?token=${TOKEN}&next=${encodeURIComponent(`/queues/queue/${QUEUE_NAME}?status=failed`)}`,
    );
    await page.getByText('simulated worker crash').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-bull-board.png'), fullPage: true });
    await retryJob.first().click();
    // bull-board asks "Are you sure that you want to retry this job?".
    await page.getByText(/retry this job/i).waitFor();
    await page
      .getByRole('button', { name: /^(retry|confirm|yes|ok)$/i })
      .last()
      .click();
    await page.getByText('simulated worker crash').first().waitFor({ state: 'detached' });
    const job = await producer.queue.getJob(failedId);
    expect(await job!.getState()).toBe('waiting');
    await page.screenshot({
      path: join(ARTIFACTS, 'dashboard-bull-board-after-retry.png'),
      fullPage: true,
    });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
