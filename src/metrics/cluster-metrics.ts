import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { RunStore } from '../runs/run-store';
import { LATENCY_BUCKETS_S } from './registry';
import { apiStatsKey } from './stats-keys';

export interface ClusterMetricsDeps {
  redis: Redis;
  store: RunStore;
  /** Every queue whose depth counts (the shared one and runs' own). */
  queues: Queue[];
  prefix: string;
}

export interface ClusterMetricsOptions {
  /** Cap on `rtcp_run_rows` series; beyond it `rtcp_run_rows_truncated` is 1. */
  maxRowSeries?: number;
  /** How many of the most recent runs are looked at for "in progress". */
  recentRuns?: number;
}

export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

/**
 * Everything the dashboard's `/metrics` derives from Redis at scrape time, in a fresh registry
 * per scrape (no state shared between concurrent scrapes). Tenant labels only for runs in progress.
 */
export async function collectClusterMetrics(
  deps: ClusterMetricsDeps,
  options: ClusterMetricsOptions = {},
): Promise<Registry> {
  const maxSeries = options.maxRowSeries ?? 1000;
  const [runs, jobCounts, api] = await Promise.all([
    deps.store.list(options.recentRuns ?? 200),
    Promise.all(deps.queues.map((q) => q.getJobCounts(...QUEUE_STATES))).then((all) => {
      const sum: Record<string, number> = {};
      for (const counts of all)
        for (const [k, v] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + v;
      return sum;
    }),
    deps.redis.hgetall(apiStatsKey(deps.prefix)),
  ]);
  const inProgress = runs.filter((r) => r.state !== 'finished');
  const details = await Promise.all(
    inProgress.map(async (r) => ({
      meta: r,
      counts: await deps.store.counts(r.id),
      held: await deps.store.held(r.id),
    })),
  );

  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'rtcp_runs_in_progress',
    help: 'Runs not finished (enqueuing or running), among the most recent ones',
    registers,
  }).set(inProgress.length);

  const queueJobs = new Gauge({
    name: 'rtcp_queue_jobs',
    help: 'Jobs in the provisioning queue by state',
    labelNames: ['state'] as const,
    registers,
  });
  for (const state of QUEUE_STATES) queueJobs.set({ state }, jobCounts[state] ?? 0);

  const rows = new Gauge({
    name: 'rtcp_run_rows',
    help: 'Rows of runs in progress by tenant and status (held = waiting for resume)',
    labelNames: ['run', 'tenant', 'status'] as const,
    registers,
  });
  const expected = new Gauge({
    name: 'rtcp_run_rows_expected',
    help: 'Rows in the input of a run in progress (once enqueued)',
    labelNames: ['run'] as const,
    registers,
  });
  const done = new Gauge({
    name: 'rtcp_run_rows_done',
    help: 'Rows of a run in progress with a final outcome',
    labelNames: ['run'] as const,
    registers,
  });
  const heldTenants = new Gauge({
    name: 'rtcp_run_held_tenants',
    help: 'Tenants of a run in progress held by their auth circuit breaker',
    labelNames: ['run'] as const,
    registers,
  });
  const truncated = new Gauge({
    name: 'rtcp_run_rows_truncated',
    help: '1 when rtcp_run_rows was cut at its series cap',
    registers,
  });
  let series = 0;
  let cut = false;
  for (const { meta, counts, held } of details) {
    if (meta.total !== undefined) expected.set({ run: meta.id }, meta.total);
    done.set({ run: meta.id }, counts.done);
    heldTenants.set({ run: meta.id }, Object.keys(held).length);
    for (const [tenant, byStatus] of Object.entries(counts.byTenant)) {
      for (const [status, n] of Object.entries(byStatus)) {
        if (!n) continue;
        if (series >= maxSeries) {
          cut = true;
          continue;
        }
        rows.set({ run: meta.id, tenant, status }, n);
        series++;
      }
    }
  }
  truncated.set(cut ? 1 : 0);
  registerApiStats(registry, api);
  return registry;
}

/** The worker processes' counters, summed in Redis by the run stats recorder. */
function registerApiStats(registry: Registry, raw: Record<string, string>): void {
  const registers = [registry];
  const calls = new Counter({
    name: 'rtcp_api_calls_total',
    help: 'API calls by all workers, by call kind, HTTP status (or network) and error code',
    labelNames: ['kind', 'status_code', 'error_code'] as const,
    registers,
  });
  const outcomes = new Counter({
    name: 'rtcp_outcomes_total',
    help: 'Rows finished by all workers, by outcome status',
    labelNames: ['status'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'rtcp_retries_total',
    help: 'Rows scheduled for another attempt after a retryable failure',
    registers,
  });
  const throttles = new Counter({
    name: 'rtcp_throttle_waits_total',
    help: 'Throttled (429) answers that paused a tenant',
    registers,
  });
  const throttleSeconds = new Counter({
    name: 'rtcp_throttle_wait_seconds_total',
    help: 'Seconds of tenant pauses ordered after throttled answers',
    registers,
  });
  retries.inc(0);
  throttles.inc(0);
  throttleSeconds.inc(0);
  const latency = new Map<string, { buckets: number[]; sumMs: number; count: number }>();
  const lat = (kind: string) => {
    let l = latency.get(kind);
    if (!l)
      latency.set(
        kind,
        (l = {
          buckets: new Array<number>(LATENCY_BUCKETS_S.length + 1).fill(0),
          sumMs: 0,
          count: 0,
        }),
      );
    return l;
  };
  for (const [field, value] of Object.entries(raw)) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) continue;
    const parts = field.split('|');
    if (parts[0] === 'c' && parts.length === 4)
      calls.inc({ kind: parts[1]!, status_code: parts[2]!, error_code: parts[3]! }, n);
    else if (parts[0] === 'o' && parts.length === 2) outcomes.inc({ status: parts[1]! }, n);
    else if (parts[0] === 'b' && parts.length === 3) {
      const i = Number(parts[2]);
      const l = lat(parts[1]!);
      if (Number.isInteger(i) && i >= 0 && i < l.buckets.length) l.buckets[i]! += n;
    } else if (parts[0] === 'ls' && parts.length === 2) lat(parts[1]!).sumMs += n;
    else if (parts[0] === 'ln' && parts.length === 2) lat(parts[1]!).count += n;
    else if (field === 'retries') retries.inc(n);
    else if (field === 'throttles') throttles.inc(n);
    else if (field === 'throttle_ms') throttleSeconds.inc(n / 1000);
  }
  registry.registerMetric(
    histogramOf('rtcp_api_call_duration_seconds', 'API call latency across all workers', latency),
  );
}

/** prom-client cannot load bucket counts into a Histogram, so this is a read-only one. */
function histogramOf(
  name: string,
  help: string,
  byKind: Map<string, { buckets: number[]; sumMs: number; count: number }>,
): Metric {
  const get = () => {
    const values: Array<{
      metricName: string;
      labels: Record<string, string | number>;
      value: number;
    }> = [];
    for (const [kind, l] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
      let cumulative = 0;
      l.buckets.forEach((n, i) => {
        cumulative += n;
        const le = i < LATENCY_BUCKETS_S.length ? LATENCY_BUCKETS_S[i]! : '+Inf';
        values.push({ metricName: `${name}_bucket`, labels: { kind, le }, value: cumulative });
      });
      values.push({ metricName: `${name}_sum`, labels: { kind }, value: l.sumMs / 1000 });
      values.push({ metricName: `${name}_count`, labels: { kind }, value: l.count });
    }
    return { name, help, type: 'histogram', aggregator: 'sum', values };
  };
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: () => Promise.resolve(get()),
  } as unknown as Metric;
}
