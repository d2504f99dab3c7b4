import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import {
  resolveSettings,
  SETTINGS_DOC,
  type Settings,
  type SettingsInput,
} from '../../config/settings';
import { credentialsFromEnv, loadTenantsFile, type TenantsFile } from '../../config/tenants';
import { ConfigError, InputError } from '../../domain/errors';
import type { Emulator } from '../../emulator';
import { systemClock } from '../../infra/clock';
import { detectFormat } from '../../input';
import { submitRun } from '../../runs/submit-run';
import { newRunId } from '../../runs/keys';
import { runQueueName } from '../../queue/provision-queue';
import { randomBytes } from 'node:crypto';
import { waitForRun } from '../../runs/wait-for-run';
import { describePlanInputs, fetchPlanInputs } from '../../plan/plan-inputs';
import { openTarget } from '../local-emulator';
import { finishRun } from '../finish-run';
import { print, type CliIo } from '../io';
import { progressView, queueingView } from '../progress';
import { ensureRedis } from '../redis-setup';
import { openProducer, openWorkerRuntime, queueSettings } from '../runtime';

export interface RunFlags extends Partial<Record<keyof SettingsInput, string>> {
  tenants?: string;
  emulator?: boolean;
  emulatorState?: string;
  emulatorFaults?: string;
  report?: string;
  reportFormat?: string;
  format?: string;
  quiet?: boolean;
  /** false with --no-plan */
  plan?: boolean;
}

export function settingsFrom(flags: RunFlags, env: NodeJS.ProcessEnv): Settings {
  // Only the settings' own keys: commander's other flags (emulator, report, …) are not settings.
  const picked = Object.fromEntries(SETTINGS_DOC.map(([key]) => [key, flags[key]]));
  return resolveSettings(picked, env);
}

/** `--report-format`, else the report path's extension (.jsonl/.ndjson), else CSV. */
export function reportFormatOf(flag: string | undefined, path?: string): 'csv' | 'jsonl' {
  if (flag === undefined) return path && /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'csv';
  if (flag === 'csv' || flag === 'jsonl') return flag;
  throw new ConfigError(`--report-format must be csv or jsonl (got "${flag}")`);
}

/** `run <file>`: enqueue, work in-process until every row has an outcome, report, exit 0/1. */
export async function runCommand(file: string, flags: RunFlags, io: CliIo): Promise<number> {
  const format = detectFormat(file, flags.format);
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  const reportFormat = reportFormatOf(flags.reportFormat, flags.report);
  let settings = settingsFrom(flags, io.env);
  const tenantsFile: TenantsFile | undefined = flags.tenants
    ? await loadTenantsFile(flags.tenants, io.env)
    : undefined;
  if (!flags.emulator && !tenantsFile && !credentialsFromEnv(io.env)) {
    throw new ConfigError(
      'no credentials: set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID (or RTC_AUTH_TOKEN), pass --tenants tenants.json, or add --emulator for a local demo',
    );
  }
  const redis = await ensureRedis(settings, { allowPrivate: true, logger: io.logger });
  settings = redis.settings;

  let emulator: Emulator | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const target = await openTarget(file, flags, settings, tenantsFile, io);
    emulator = target.emulator;
    const { source, endpoint, iamEndpoint } = target;
    if (emulator) cleanups.push(() => emulator!.close());

    // The run's own queue: its workers take only its rows, and no other worker takes them.
    const newId = newRunId(new Date(), randomBytes(4).toString('hex'));
    const queueName = runQueueName(newId);
    const producer = openProducer(settings, queueName);
    cleanups.push(() => producer.close());
    const runtime = openWorkerRuntime({
      settings,
      tenants: source,
      endpoint,
      iamEndpoint,
      logger: io.logger,
      queueName,
    });
    cleanups.push(() => runtime.close());
    runtime.start();

    // Plan first: names that already exist become `exists` without a POST, and count against the quota.
    const planned =
      flags.plan === false
        ? undefined
        : await fetchPlanInputs(file, format, {
            settings,
            tenants: source,
            endpoint,
            iamEndpoint,
            redis: producer.redis,
            logger: io.logger,
            signal: io.signal,
          });
    if (planned) io.logger.info(describePlanInputs(planned));
    // No tenant's listing got through the network at all: the endpoint is wrong or down. Stop
    // here rather than spend every row's retry budget on it.
    if (planned && planned.listing.problems.size > 0 && planned.existing.size === 0) {
      const problems = [...planned.listing.problems.values()];
      if (problems.every((p) => p.kind === 'failed' && p.httpStatus === undefined)) {
        throw new ConfigError(
          `the API at ${endpoint} did not answer for any tenant (${problems[0]!.code}: ${problems[0]!.message}); check --endpoint and the network. Nothing was sent.`,
        );
      }
    }

    const view = progressView({
      tty: io.isTTY,
      logger: io.logger,
      stream: io.stderr,
      quiet: flags.quiet ?? false,
    });
    const queueing = queueingView({
      tty: io.isTTY,
      logger: io.logger,
      stream: io.stderr,
      quiet: flags.quiet ?? false,
    });
    const { runId, enqueued } = await submitRun(
      { queue: producer.queue, store: producer.store },
      {
        runId: newId,
        source: resolve(file),
        format,
        ...(source.known ? { knownTenants: source.known } : {}),
        settings: queueSettings(settings),
        onProgress: (p) => queueing.update(p),
        ...(planned
          ? { existing: planned.existing, existingRequestIds: planned.listing.requestIds }
          : {}),
        options: {
          queue: queueName,
          endpoint,
          iamEndpoint,
          emulator: Boolean(flags.emulator),
          tenantsFile: flags.tenants ? resolve(flags.tenants) : null,
          plan: planned !== undefined,
        },
        onCreated: async (id) => {
          if (planned) await producer.store.setExisting(id, planned.existingCounts);
          // Credentials the plan saw refused are held now: the workers make no second failing call.
          for (const [tenant, p] of planned?.listing.problems ?? []) {
            if (p.kind !== 'refused') continue;
            await producer.store.hold(id, tenant, {
              code: p.code,
              message: p.message,
              ...(p.httpStatus ? { httpStatus: p.httpStatus } : {}),
              ...(p.requestId ? { requestId: p.requestId } : {}),
              at: new Date().toISOString(),
            });
          }
          io.logger.info({ run: id }, `run ${id} started`);
        },
      },
    );
    queueing.stop();
    if (enqueued.total === 0) {
      throw new InputError(
        `${file} has no rows (an empty file, or a header only): nothing was sent`,
      );
    }

    const interrupted = new Promise<'interrupted'>((r) =>
      io.signal.addEventListener('abort', () => r('interrupted'), { once: true }),
    );
    const settled = await Promise.race([
      waitForRun(runtime.store, runId, {
        clock: systemClock,
        onTick: (p) => view.update(p),
        signal: io.signal,
      }).catch((e: unknown) => {
        if (io.signal.aborted) return 'interrupted' as const;
        throw e;
      }),
      interrupted,
    ]);
    view.stop();
    if (settled === 'interrupted') {
      print(
        io,
        `run ${runId} interrupted; in-flight calls were given ${settings.shutdownTimeoutMs} ms. Continue it with: rtc-provisioner resume ${runId}`,
      );
      return 0;
    }
    const { exitCode } = await finishRun(
      producer.store,
      runId,
      { ...(flags.report ? { report: flags.report } : {}), format: reportFormat },
      io,
    );
    return exitCode;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    if (redis.private) await redis.private.stop();
  }
}
