import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTenantsFile } from '../../config/tenants';
import { InputError } from '../../domain/errors';
import { DEFAULT_TENANT } from '../../domain/row';
import { detectFormat, readInput } from '../../input';
import { enqueueItems } from '../../queue/producer';
import { newRunId } from '../../runs/keys';
import { ensureRedis } from '../ensure';
import { print, type CliIo } from '../io';
import { openProducer } from '../runtime';
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
  await ensureRedis(settings.redisUrl, io.logger);
  const producer = openProducer(settings);
  try {
    const runId = flags.runId ?? newRunId(new Date(), randomBytes(4).toString('hex'));
    const existing = await producer.store.get(runId);
    if (!existing) {
      await producer.store.create({
        id: runId,
        source: resolve(file),
        format,
        createdAt: Date.now(),
        state: 'enqueuing',
        enqueueDone: false,
        extraColumns: [],
        tenants: [],
        options: { tenantsFile: flags.tenants ? resolve(flags.tenants) : null },
      });
    }
    const known = tenants ? new Set(tenants.keys()) : new Set([DEFAULT_TENANT]);
    const enq = await enqueueItems(
      readInput(file, { format, knownTenants: known }),
      { queue: producer.queue, store: producer.store },
      { runId, settings: { prefix: settings.prefix, attempts: settings.attempts + 3 } },
    );
    await producer.store.update(runId, {
      state: 'running',
      enqueueDone: true,
      total: enq.total,
      maxLine: enq.maxLine,
      tenants: enq.tenants,
      extraColumns: enq.extraColumns,
    });
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
