import { resolve } from 'node:path';
import { credentialsFromEnv, loadTenantsFile } from '../../config/tenants';
import { ConfigError } from '../../domain/errors';
import { DEFAULT_TENANT } from '../../domain/row';
import { systemClock } from '../../infra/clock';
import type { InputFormat } from '../../input';
import { releaseHeld } from '../../runs/release-held';
import { submitRun } from '../../runs/submit-run';
import { queueOf } from '../../queue/provision-queue';
import { runProgress, waitForRun } from '../../runs/wait-for-run';
import { ensureRedis } from '../redis-setup';
import { finishRun } from '../finish-run';
import { print, type CliIo } from '../io';
import { findRun } from '../run-lookup';
import { progressView } from '../progress';
import { openProducer, openWorkerRuntime, queueSettings, tenantSource } from '../runtime';
import { reportFormatOf, settingsFrom, type RunFlags } from './run';

/**
 * `resume <run-id> [--tenant id]`: finishes an interrupted run (re-enqueues what never reached the
 * queue, without doubling anything) and releases held tenants after their credentials were fixed.
 */
export async function resumeCommand(
  runId: string,
  flags: RunFlags & { tenant?: string[] },
  io: CliIo,
): Promise<number> {
  let settings = settingsFrom(flags, io.env);
  const reportFormat = reportFormatOf(flags.reportFormat, flags.report);
  // A run that had a private redis-server resumes from its data under .rtc-provisioner/.
  const redis = await ensureRedis(settings, { allowPrivate: true, logger: io.logger });
  settings = redis.settings;
  const lookup = openProducer(settings);
  const meta = await findRun(lookup.store, runId, settings.prefix, io).finally(() =>
    lookup.close(),
  );
  if (!meta) {
    if (redis.private) await redis.private.stop();
    return 2;
  }
  const queueName = queueOf(meta.options);
  const producer = openProducer(settings, queueName);
  try {
    const tenantsPath =
      flags.tenants ?? (meta.options.tenantsFile as string | null | undefined) ?? undefined;
    const file = tenantsPath ? await loadTenantsFile(tenantsPath, io.env) : undefined;
    const env = credentialsFromEnv(io.env);
    if (
      meta.options.emulator &&
      flags.endpoint === undefined &&
      io.env.RTC_ENDPOINT === undefined
    ) {
      throw new ConfigError(
        `run ${runId} used the in-process emulator, which ended with it: pass --endpoint of a running emulator (rtc-provisioner emulator) or of the real API`,
      );
    }
    if (!file && !env)
      throw new ConfigError(
        'no credentials: pass --tenants tenants.json or set HUAWEICLOUD_SDK_AK/_SK/_PROJECT_ID (or RTC_AUTH_TOKEN)',
      );

    const source = tenantSource(file, env);
    // The run's own endpoints, unless the operator names others.
    const explicit = (flag: string | undefined, envName: string) => flag ?? io.env[envName];
    const endpoint =
      explicit(flags.endpoint, 'RTC_ENDPOINT') ??
      (meta.options.endpoint as string | undefined) ??
      settings.endpoint;
    const iamEndpoint =
      explicit(flags.iamEndpoint, 'RTC_IAM_ENDPOINT') ??
      (meta.options.iamEndpoint as string | undefined) ??
      settings.iamEndpoint;
    const runtime = openWorkerRuntime({
      settings,
      tenants: source,
      endpoint,
      iamEndpoint,
      logger: io.logger,
      queueName,
    });
    try {
      if (!meta.enqueueDone) {
        io.logger.info(
          { run: runId },
          'the run stopped while enqueuing: reading the input again (rows already queued or done are not added twice)',
        );
        await submitRun(
          { queue: producer.queue, store: producer.store },
          {
            runId,
            source: meta.source,
            format: meta.format as InputFormat,
            knownTenants: source.known ?? new Set([DEFAULT_TENANT]),
            settings: queueSettings(settings),
          },
        );
      }
      const held = Object.keys(await producer.store.held(runId));
      const targets = flags.tenant?.length ? flags.tenant : held;
      const releasing = targets.some((t) => held.includes(t));
      // Only a run with work left is reopened; a finished one keeps its finish time.
      if (meta.enqueueDone && (releasing || !(await runProgress(producer.store, runId)).settled)) {
        await producer.store.reopen(runId);
      }
      for (const t of targets) {
        if (!held.includes(t)) {
          print(io, `tenant ${t} is not held in run ${runId} (held: ${held.join(', ') || 'none'})`);
          continue;
        }
        const released = await releaseHeld(producer.store, producer.queue, runId, [t]);
        print(io, `tenant ${t} released: ${released[t]?.promoted ?? 0} held rows queued again`);
      }
      runtime.start();
      const view = progressView({
        tty: io.isTTY,
        logger: io.logger,
        stream: io.stderr,
        quiet: flags.quiet ?? false,
      });
      await waitForRun(runtime.store, runId, {
        clock: systemClock,
        onTick: (p) => view.update(p),
        signal: io.signal,
      });
      view.stop();
      const { exitCode } = await finishRun(
        producer.store,
        runId,
        { ...(flags.report ? { report: resolve(flags.report) } : {}), format: reportFormat },
        io,
      );
      return exitCode;
    } finally {
      await runtime.close();
    }
  } finally {
    await producer.close();
    if (redis.private) await redis.private.stop();
  }
}
