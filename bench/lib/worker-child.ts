/**
 * A worker process for the process and limiter cases: the product's worker runtime (`product`),
 * or a bare BullMQ Worker that only signs and sends the same POST with undici (`baseline`).
 * Protocol: → ready; ← go; → done (after `total` jobs, if given); ← stop; → stopped; exit.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { openWorkerRuntime, type TenantSource } from '../../src/cli/runtime';
import { resolveSettings } from '../../src/config/settings';
import { silentLogger } from '../../src/infra/logger';
import { DEFAULT_WORKER_SETTINGS } from '../../src/provision/worker';
import { QUEUE_NAME, type ProvisionJobData } from '../../src/queue/provision-queue';
import { sdkDate, sign } from '../../src/signing/sdk-hmac-sha256';
import { countSentCommands } from './command-counter';
import { childConfig, nextMessage, reply, runChild, usage } from './ipc';
import { asTenant, type BenchTenant } from './tenants';

export interface WorkerChildConfig {
  mode: 'product' | 'baseline';
  redisUrl: string;
  prefix: string;
  endpoint: string;
  /** JSON file holding BenchTenant[] (too large for argv at 1,000 tenants). */
  tenantsFile: string;
  quota: number;
  rate: string;
  concurrency: number;
  /** Report `done` once this many jobs completed or failed. */
  total?: number;
}

interface Running {
  worker: Worker;
  start(): void;
  close(): Promise<void>;
  /** Non-201 answers (baseline only: the product records them as outcomes). */
  unexpected(): number;
}

runChild(async () => {
  const sent = countSentCommands();
  const c = childConfig<WorkerChildConfig>();
  const tenants = JSON.parse(readFileSync(c.tenantsFile, 'utf8')) as BenchTenant[];
  const running = c.mode === 'product' ? product(c, tenants) : baseline(c, tenants);
  let completed = 0;
  let failed = 0;
  let cpu0 = process.cpuUsage();
  let t0 = 0;
  let resolveDone: () => void = () => {};
  const allDone = new Promise<void>((r) => (resolveDone = r));
  const check = () => {
    if (c.total !== undefined && completed + failed >= c.total) resolveDone();
  };
  running.worker.on('completed', () => {
    completed++;
    check();
  });
  running.worker.on('failed', () => {
    failed++;
    check();
  });
  await running.worker.waitUntilReady();
  await reply({ type: 'ready' });
  await nextMessage('go');
  sent.reset();
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  running.start();
  const report = (type: string) =>
    reply({
      type,
      completed,
      failed,
      unexpected: running.unexpected(),
      ms: performance.now() - t0,
      sent: sent.snapshot(),
      ...usage(cpu0),
    });
  if (c.total !== undefined) {
    await allDone;
    await report('done');
  }
  await nextMessage('stop');
  await report('stopped');
  await running.close();
});

function product(c: WorkerChildConfig, list: BenchTenant[]): Running {
  const settings = resolveSettings(
    {
      redisUrl: c.redisUrl,
      prefix: c.prefix,
      rate: c.rate,
      quota: c.quota,
      concurrency: c.concurrency,
    },
    {},
  );
  const byId = new Map(list.map((t) => [t.id, asTenant(t, c.quota)]));
  const source: TenantSource = { resolve: (id) => byId.get(id), known: new Set(byId.keys()) };
  const runtime = openWorkerRuntime({
    settings,
    tenants: source,
    endpoint: c.endpoint,
    iamEndpoint: c.endpoint,
    logger: silentLogger(),
  });
  return {
    worker: runtime.worker,
    start: () => runtime.start(),
    close: () => runtime.close(2000),
    unexpected: () => 0,
  };
}

/** The floor: BullMQ fetch/complete plus one signed POST per job, nothing stored, nothing checked. */
function baseline(c: WorkerChildConfig, list: BenchTenant[]): Running {
  const byId = new Map(list.map((t) => [t.id, t]));
  const connection = new Redis(c.redisUrl, { maxRetriesPerRequest: null });
  // The product's agent settings (src/cli/runtime.ts), so connection reuse is alike.
  const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 10_000, pipelining: 1 });
  const url = new URL(`${c.endpoint}/v2/apps`);
  let unexpected = 0;
  const worker = new Worker<ProvisionJobData>(
    QUEUE_NAME,
    async (job) => {
      const t = byId.get(job.data.tenant)!;
      const body = Buffer.from(JSON.stringify({ app_name: job.data.appName }), 'utf8');
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        host: url.host,
        'x-sdk-date': sdkDate(new Date()),
        'x-project-id': t.projectId,
      };
      const { authorization } = sign({ method: 'POST', url: url.href, headers, body }, t.ak, t.sk);
      const res = await request(url, {
        method: 'POST',
        headers: { ...headers, authorization },
        body,
        dispatcher,
      });
      await res.body.text();
      if (res.statusCode !== 201) unexpected++;
      return res.statusCode;
    },
    {
      connection,
      prefix: c.prefix,
      concurrency: c.concurrency,
      lockDuration: DEFAULT_WORKER_SETTINGS.lockDurationMs,
      stalledInterval: DEFAULT_WORKER_SETTINGS.stalledIntervalMs,
      maxStalledCount: DEFAULT_WORKER_SETTINGS.maxStalledCount,
      autorun: false,
    },
  );
  worker.on('error', () => {});
  return {
    worker,
    start: () => void worker.run().catch(() => {}),
    close: async () => {
      await worker.close();
      await dispatcher.close();
      connection.disconnect();
    },
    unexpected: () => unexpected,
  };
}
