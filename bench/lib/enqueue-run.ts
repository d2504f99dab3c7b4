import { openProducer } from '../../src/cli/runtime';
import { resolveSettings } from '../../src/config/settings';
import { detectFormat, readInput } from '../../src/input';
import { enqueueItems } from '../../src/queue/producer';

/** Creates a run and enqueues a file through the product's producer, as `rtc-provisioner enqueue` does. */
export async function enqueueRun(
  redisUrl: string,
  prefix: string,
  runId: string,
  file: string,
): Promise<{ total: number }> {
  const settings = resolveSettings({ redisUrl, prefix }, {});
  const producer = openProducer(settings);
  try {
    const format = detectFormat(file);
    await producer.store.create({
      id: runId,
      source: file,
      format,
      createdAt: Date.now(),
      state: 'enqueuing',
      enqueueDone: false,
      extraColumns: [],
      tenants: [],
      options: {},
    });
    const result = await enqueueItems(
      readInput(file, { format }),
      { queue: producer.queue, store: producer.store },
      { runId, settings: { prefix, attempts: settings.attempts + 3 } },
    );
    await producer.store.update(runId, {
      state: 'running',
      enqueueDone: true,
      total: result.total,
      maxLine: result.maxLine,
      tenants: result.tenants,
      extraColumns: result.extraColumns,
    });
    return { total: result.total };
  } finally {
    await producer.close();
  }
}
