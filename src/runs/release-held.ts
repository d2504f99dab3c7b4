import { Job, type Queue } from 'bullmq';
import type { RunStore } from './run-store';

/**
 * Releases held tenants of a run: closes their circuit breaker and wakes their parked jobs, which
 * any running worker then takes (with whatever credentials it now has for the tenant).
 */
export async function releaseHeld(
  store: RunStore,
  queue: Queue,
  runId: string,
  tenants: string[],
): Promise<Record<string, { parked: number; promoted: number }>> {
  const released: Record<string, { parked: number; promoted: number }> = {};
  for (const tenant of tenants) {
    await store.unhold(runId, [tenant]);
    const ids = await store.takeParked(runId, tenant);
    let woken = 0;
    for (const id of ids) {
      const job = await Job.fromId(queue, id);
      if (job && (await job.isDelayed())) {
        await job.promote();
        woken++;
      }
    }
    released[tenant] = { parked: ids.length, promoted: woken };
  }
  return released;
}
