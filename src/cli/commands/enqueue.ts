import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTenantsFile } from '../../config/tenants';
import { ConfigError, InputError } from '../../domain/errors';
import { DEFAULT_TENANT } from '../../domain/row';
import { detectFormat } from '../../input';
import { submitRun } from '../../runs/submit-run';
import { requireRedis } from '../redis-setup';
import { print, type CliIo } from '../io';
import { queueingView } from '../progress';
import { openProducer, queueSettings } from '../runtime';
import { settingsFrom, type RunFlags } from './run';

/** `enqueue <file>`: validates and queues every row, prints the run id; workers do the rest. */
export async function enqueueCommand(
  file: string,
  flags: RunFlags & { runId?: string },
  io: CliIo,
): Promise<number> {
  const format = detectFormat(file, flags.format);
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  const settings = settingsFrom(flags, io.env);
  const tenants = flags.tenants ? await loadTenantsFile(flags.tenants, io.env) : undefined;
  await requireRedis(settings.redisUrl, io.logger);
  const producer = openProducer(settings);
  try {
    if (flags.runId) {
      const existing = await producer.store.get(flags.runId);
      if (existing && existing.source !== resolve(file)) {
        throw new ConfigError(
          `run ${flags.runId} was submitted from ${existing.source}; --run-id re-submits that same file only (its rows are never added twice). Enqueue ${file} as a new run without --run-id`,
        );
      }
    }
    const known = tenants ? new Set(tenants.keys()) : new Set([DEFAULT_TENANT]);
    const queueing = queueingView({
      tty: io.isTTY,
      logger: io.logger,
      stream: io.stderr,
      quiet: flags.quiet ?? false,
    });
    const { runId, enqueued: enq } = await submitRun(
      { queue: producer.queue, store: producer.store },
      {
        ...(flags.runId ? { runId: flags.runId } : {}),
        source: resolve(file),
        format,
        knownTenants: known,
        settings: queueSettings(settings),
        onProgress: (p) => queueing.update(p),
        options: { tenantsFile: flags.tenants ? resolve(flags.tenants) : null },
      },
    );
    queueing.stop();
    if (enq.total === 0) {
      throw new InputError(
        `${file} has no rows (an empty file, or a header only): nothing was queued`,
      );
    }
    io.logger.info(
      { run: runId, rows: enq.total, queued: enq.queued, problems: enq.problems },
      'enqueued',
    );
    print(io, runId);
    return 0;
  } finally {
    await producer.close();
  }
}
