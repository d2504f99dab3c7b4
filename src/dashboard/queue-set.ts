import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  createProvisionQueue,
  QUEUE_NAME,
  queueOf,
  type ProvisionJobData,
} from '../queue/provision-queue';
import type { RunMeta, RunStore } from '../runs/run-store';

/** The shared queue plus each recent `run`'s own queue, opened once and closed together. */
export interface QueueSet {
  /** Without Redis (the dashboard must start anyway): the shared queue alone. */
  shared(): Queue<ProvisionJobData>;
  list(): Promise<Array<Queue<ProvisionJobData>>>;
  forRun(meta: RunMeta): Queue<ProvisionJobData>;
  close(): Promise<void>;
}

export function createQueueSet(
  redis: Redis,
  prefix: string,
  store: RunStore,
  shared?: Queue<ProvisionJobData>,
  recentRuns = 50,
): QueueSet {
  const opened = new Map<string, Queue<ProvisionJobData>>();
  const owned: Array<Queue<ProvisionJobData>> = [];
  if (shared) opened.set(shared.name, shared);
  const get = (name: string) => {
    let q = opened.get(name);
    if (!q) {
      q = createProvisionQueue(redis, prefix, name);
      q.on('error', () => {});
      opened.set(name, q);
      owned.push(q);
    }
    return q;
  };
  return {
    shared: () => get(shared?.name ?? QUEUE_NAME),
    async list() {
      const names = new Set([shared?.name ?? QUEUE_NAME]);
      for (const meta of await store.list(recentRuns)) names.add(queueOf(meta.options));
      return [...names].map(get);
    },
    forRun: (meta) => get(queueOf(meta.options)),
    async close() {
      await Promise.all(owned.map((q) => q.close().catch(() => {})));
    },
  };
}
