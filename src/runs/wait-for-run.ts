import type { Clock } from '../infra/clock';
import type { RunCounts, RunMeta, RunStore } from './run-store';

export interface RunProgress {
  meta: RunMeta;
  counts: RunCounts;
  /** Every row has an outcome (held rows count: their provisional `auth_failed`). */
  settled: boolean;
}

/** Reads the run's counters until every row is settled. Polls: it must survive a Redis restart. */
export async function waitForRun(
  store: RunStore,
  runId: string,
  options: {
    clock: Clock;
    intervalMs?: number;
    signal?: AbortSignal;
    onTick?: (p: RunProgress) => void;
  },
): Promise<RunProgress> {
  for (;;) {
    options.signal?.throwIfAborted();
    const p = await runProgress(store, runId);
    options.onTick?.(p);
    if (p.settled) return p;
    await options.clock.sleep(options.intervalMs ?? 250, options.signal);
  }
}

export async function runProgress(store: RunStore, runId: string): Promise<RunProgress> {
  const [meta, counts, held] = await Promise.all([
    store.get(runId),
    store.counts(runId),
    store.held(runId),
  ]);
  if (!meta) throw new Error(`run ${runId} not found`);
  // Only rows of tenants that are still held count as settled without a final outcome.
  const heldNow = Object.keys(held).reduce((sum, t) => sum + (counts.byTenant[t]?.held ?? 0), 0);
  const settled =
    meta.enqueueDone && meta.total !== undefined && counts.done + heldNow >= meta.total;
  return { meta, counts, settled };
}
