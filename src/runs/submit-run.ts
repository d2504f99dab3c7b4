import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { readInput, type InputFormat } from '../input';
import { enqueueItems, type EnqueueResult } from '../queue/producer';
import type { ProvisionJobData, QueueSettings } from '../queue/provision-queue';
import { newRunId } from './keys';
import type { RunStore } from './run-store';

export interface SubmitOptions {
  /** Add to this run (created when missing); a new id otherwise. */
  runId?: string;
  /** The input file; read again by `resume` if queueing did not finish. */
  source: string;
  format: InputFormat;
  knownTenants?: ReadonlySet<string>;
  settings: QueueSettings;
  /** From the plan: tenant → name → app id of apps that exist already. */
  existing?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  existingRequestIds?: ReadonlyMap<string, readonly string[]>;
  /** Recorded with the run for later commands; no secrets. */
  options?: Record<string, unknown>;
  /** Called once the run record exists, before any row is queued. */
  onCreated?: (runId: string) => Promise<void> | void;
  chunkSize?: number;
  /** After each chunk is written: rows read and queued so far. */
  onProgress?: (p: { read: number; queued: number }) => void;
}

/**
 * Creates (or reopens) a run and streams a file into the queue; the run is marked fully queued at
 * the end, so a crash in between leaves it for `resume` to queue again (without doubling a row).
 */
export async function submitRun(
  deps: { queue: Queue<ProvisionJobData>; store: RunStore },
  o: SubmitOptions,
): Promise<{ runId: string; enqueued: EnqueueResult }> {
  const runId = o.runId ?? newRunId(new Date(), randomBytes(4).toString('hex'));
  if (!(await deps.store.get(runId))) {
    await deps.store.create({
      id: runId,
      source: o.source,
      format: o.format,
      createdAt: Date.now(),
      state: 'enqueuing',
      enqueueDone: false,
      extraColumns: [],
      tenants: [],
      options: o.options ?? {},
    });
  }
  await o.onCreated?.(runId);
  const enqueued = await enqueueItems(
    readInput(o.source, {
      format: o.format,
      ...(o.knownTenants ? { knownTenants: o.knownTenants } : {}),
    }),
    deps,
    {
      runId,
      settings: o.settings,
      ...(o.existing ? { existing: o.existing } : {}),
      ...(o.existingRequestIds ? { existingRequestIds: o.existingRequestIds } : {}),
      ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    },
  );
  await deps.store.update(runId, {
    state: 'running',
    enqueueDone: true,
    total: enqueued.total,
    maxLine: enqueued.maxLine,
    tenants: enqueued.tenants,
    extraColumns: enqueued.extraColumns,
  });
  // Workers may have written the last outcome before the run was marked fully queued.
  const counts = await deps.store.counts(runId);
  if (counts.done >= enqueued.total) {
    await deps.store.update(runId, { state: 'finished', finishedAt: Date.now() });
  }
  return { runId, enqueued };
}
