import { resolve } from 'node:path';
import { credentialsFromEnv, loadTenantsFile } from '../../config/tenants';
import { ConfigError } from '../../domain/errors';
import { DEFAULT_TENANT } from '../../domain/row';
import { systemClock } from '../../infra/clock';
import type { InputFormat } from '../../input';
import { releaseHeld } from '../../runs/release-held';
import { submitRun } from '../../runs/submit-run';
import { waitForRun } from '../../runs/wait-for-run';
import { ensureRedis } from '../ensure';
import { finishRun } from '../finish-run';
import { print, type CliIo } from '../io';
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
  const settings = settingsFrom(flags, io.env);
  const reportFormat = reportFormatOf(flags.reportFormat);
  await ensureRedis(settings.redisUrl, io.logger);
  const producer = openProducer(settings);
  try {
    const meta = await producer.store.get(runId);
    if (!meta) {
      print(
        io,
        `run ${runId} not found under prefix ${settings.prefix} (list runs with: rtc-provisioner status)`,
      );
      return 2;
    }
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
    const runtime = openWorkerRuntime({
      settings,
      tenants: source,
      endpoint: settings.endpoint,
      iamEndpoint: settings.iamEndpoint,
      logger: io.logger,
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
      } else {
        await producer.store.update(runId, { state: 'running' });
      }
      const held = Object.keys(await producer.store.held(runId));
      const targets = flags.tenant?.length ? flags.tenant : held;
      for (const t of targets) {
        if (!held.includes(t)) {
          print(io, `tenant ${t} is not held in run ${runId} (held: ${held.join(', ') || 'none'})`);
          continue;
        }
        const released = await releaseHeld(producer.store, producer.queue, runId, [t]);
        print(io, `tenant ${t} released: ${released[t] ?? 0} held rows queued again`);
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
  }
}
