import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings, type Settings, type SettingsInput } from '../../src/config/settings';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { systemClock } from '../../src/infra/clock';
import { silentLogger } from '../../src/infra/logger';
import { detectFormat } from '../../src/input';
import { submitRun } from '../../src/runs/submit-run';
import { writeRunReport } from '../../src/runs/run-report';
import { waitForRun, type RunProgress } from '../../src/runs/wait-for-run';
import {
  emulatorTenantSource,
  tenantSource,
  openProducer,
  openWorkerRuntime,
  queueSettings,
  type TenantSource,
  type WorkerRuntimeOptions,
} from '../../src/cli/runtime';
import type { TenantsFile } from '../../src/config/tenants';
import { deletePrefix, redisUrl, testPrefix, testRedis } from './redis';

export async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rtcp-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

export interface Harness {
  settings: Settings;
  emulator: Emulator;
  producer: ReturnType<typeof openProducer>;
  workers: Array<ReturnType<typeof openWorkerRuntime>>;
  source: TenantSource;
  /** Enqueue a file as a run and wait until every row is settled. */
  runFile(
    path: string,
    onTick?: (p: RunProgress) => void,
  ): Promise<{
    runId: string;
    reportPath: string;
    report: Awaited<ReturnType<typeof writeRunReport>>;
  }>;
  close(): Promise<void>;
}

/** The real pipeline in-process: emulator on port 0, a real Redis under a private prefix, real workers. */
export async function startHarness(options: {
  emulator?: EmulatorOptions;
  settings?: Partial<SettingsInput>;
  /** Taught to the emulator and used by the workers. */
  tenants?: TenantsFile;
  /** Used by the workers only (the emulator keeps its own `emulator.tenants`): for wrong credentials. */
  clientTenants?: TenantsFile;
  workers?: number;
  worker?: Partial<
    Pick<WorkerRuntimeOptions, 'backoff' | 'throttle' | 'workerSettings' | 'observer'>
  >;
}): Promise<Harness> {
  const prefix = testPrefix('pipe');
  const settings = resolveSettings(
    { redisUrl: redisUrl(), prefix, rate: '1000/1s', ...options.settings },
    {},
  );
  const emulator = await startEmulator({
    rate: settings.rate,
    defaultQuota: settings.quota,
    ...options.emulator,
  });
  const source = options.clientTenants
    ? tenantSource(options.clientTenants, undefined)
    : emulatorTenantSource(emulator, options.tenants);
  const producer = openProducer(settings);
  const workers = Array.from({ length: options.workers ?? 1 }, () =>
    openWorkerRuntime({
      settings,
      tenants: source,
      endpoint: emulator.url,
      iamEndpoint: emulator.url,
      logger: silentLogger(),
      backoff: { baseMs: 5, capMs: 50 },
      throttle: { minMs: 50, capMs: 500 },
      workerSettings: { lockDurationMs: 5000, stalledIntervalMs: 2000 },
      ...options.worker,
    }),
  );
  for (const w of workers) w.start();
  return {
    settings,
    emulator,
    producer,
    workers,
    source,
    async runFile(path, onTick) {
      const { runId } = await submitRun(
        { queue: producer.queue, store: producer.store },
        {
          source: path,
          format: detectFormat(path),
          ...(source.known ? { knownTenants: source.known } : {}),
          settings: queueSettings(settings),
          chunkSize: 100,
        },
      );
      await waitForRun(producer.store, runId, {
        clock: systemClock,
        intervalMs: 50,
        ...(onTick ? { onTick } : {}),
      });
      const meta = (await producer.store.get(runId))!;
      const reportPath = join(await mkdtemp(join(tmpdir(), 'rtcp-report-')), `${runId}.csv`);
      const report = await writeRunReport(producer.store, meta, {
        path: reportPath,
        format: 'csv',
        finishedAt: Date.now(),
      });
      return { runId, reportPath, report };
    },
    async close() {
      await Promise.all(workers.map((w) => w.close(2000)));
      await producer.close();
      await emulator.close();
      const r = testRedis();
      await deletePrefix(r, prefix);
      r.disconnect();
    },
  };
}
