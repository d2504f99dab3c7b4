/**
 * The product's producer in its own process, so the peak RSS measured is the producer's alone:
 * readInput → enqueueItems into a real queue, exactly as `rtc-provisioner enqueue` wires it.
 */
import { performance } from 'node:perf_hooks';
import { openProducer } from '../../src/cli/runtime';
import { resolveSettings } from '../../src/config/settings';
import { readInput, type InputFormat } from '../../src/input';
import { enqueueItems } from '../../src/queue/producer';
import { countSentCommands } from './command-counter';
import { childConfig, reply, runChild, sampleMemory, usage } from './ipc';

export interface ProducerChildConfig {
  file: string;
  format: InputFormat;
  redisUrl: string;
  prefix: string;
  runId: string;
  chunkSize: number;
}

runChild(async () => {
  const sent = countSentCommands();
  const c = childConfig<ProducerChildConfig>();
  const settings = resolveSettings({ redisUrl: c.redisUrl, prefix: c.prefix }, {});
  const producer = openProducer(settings);
  try {
    sent.reset();
    const memory = sampleMemory();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await producer.store.create({
      id: c.runId,
      source: c.file,
      format: c.format,
      createdAt: Date.now(),
      state: 'enqueuing',
      enqueueDone: false,
      extraColumns: [],
      tenants: [],
      options: {},
    });
    const result = await enqueueItems(
      readInput(c.file, { format: c.format }),
      { queue: producer.queue, store: producer.store },
      {
        runId: c.runId,
        settings: { prefix: settings.prefix, attempts: settings.attempts + 3 },
        chunkSize: c.chunkSize,
      },
    );
    await producer.store.update(c.runId, {
      state: 'running',
      enqueueDone: true,
      total: result.total,
      maxLine: result.maxLine,
      tenants: result.tenants,
      extraColumns: result.extraColumns,
    });
    const ms = performance.now() - t0;
    await reply({
      type: 'done',
      rows: result.total,
      queued: result.queued,
      problems: result.problems,
      ms,
      sent: sent.snapshot(),
      memory: memory.stop(),
      ...usage(cpu0),
    });
  } finally {
    await producer.close();
  }
});
