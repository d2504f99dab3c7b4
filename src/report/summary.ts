import { STATUSES, SUCCESS_STATUSES, type Status } from '../domain/status';
import type { Outcome } from '../domain/outcome';

export interface Summary {
  runId: string;
  total: number;
  byStatus: Record<Status, number>;
  byTenant: Record<string, Partial<Record<Status, number>>>;
  wallMs: number;
  rowsPerSecond: number;
  /** ISO-8601 */
  startedAt: string;
  finishedAt: string;
  /** 0 iff every row ended `created` or `exists` (an empty input too). */
  exitCode: 0 | 1;
}

export interface SummaryMeta {
  runId: string;
  /** Epoch milliseconds. */
  startedAt: number;
  finishedAt: number;
}

/** Counts outcomes as they stream past; holds only counters, never rows. */
export class SummaryAccumulator {
  private total = 0;
  private readonly byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<
    Status,
    number
  >;
  private readonly byTenant = new Map<string, Partial<Record<Status, number>>>();

  add(o: Outcome): void {
    this.total += 1;
    this.byStatus[o.status] += 1;
    let counts = this.byTenant.get(o.tenant);
    if (counts === undefined) {
      counts = {};
      this.byTenant.set(o.tenant, counts);
    }
    counts[o.status] = (counts[o.status] ?? 0) + 1;
  }

  result(meta: SummaryMeta): Summary {
    const wallMs = Math.max(0, meta.finishedAt - meta.startedAt);
    const failures = this.total - [...SUCCESS_STATUSES].reduce((n, s) => n + this.byStatus[s], 0);
    const byTenant: Summary['byTenant'] = {};
    for (const tenant of [...this.byTenant.keys()].sort()) {
      byTenant[tenant] = { ...this.byTenant.get(tenant) };
    }
    return {
      runId: meta.runId,
      total: this.total,
      byStatus: { ...this.byStatus },
      byTenant,
      wallMs,
      rowsPerSecond: wallMs === 0 ? 0 : Math.round((this.total / wallMs) * 1000 * 100) / 100,
      startedAt: new Date(meta.startedAt).toISOString(),
      finishedAt: new Date(meta.finishedAt).toISOString(),
      exitCode: failures === 0 ? 0 : 1,
    };
  }
}

/** Summary of a finished run (pure). */
export function summarize(outcomes: Iterable<Outcome>, meta: SummaryMeta): Summary {
  const accumulator = new SummaryAccumulator();
  for (const outcome of outcomes) accumulator.add(outcome);
  return accumulator.result(meta);
}
