import { runKeys } from '../runs/keys';
import { LATENCY_BUCKETS_S } from './registry';

/**
 * Redis layout of what worker processes record for the dashboard, in one place for writer and
 * reader. Per run: `…:timeline` (per-second buckets) and `…:timeline:min` (per-minute, for long
 * runs), hash fields `<epoch bucket>|r` rows finished, `|ls` latency sum ms, `|ln` latency count.
 * Cluster-wide: one small hash of counters summed over every worker process.
 */
export const timelineKeys = (prefix: string, runId: string) => {
  const base = runKeys(prefix, runId).timeline;
  return { perSecond: base, perMinute: `${base}:min` };
};

export const apiStatsKey = (prefix: string) => `${prefix}:stats:api`;

export const TIMELINE_FIELD = { rows: 'r', latencySumMs: 'ls', latencyCount: 'ln' } as const;

/** Fields of the cluster-wide counters hash. */
export const apiField = {
  call: (kind: string, statusCode: string, errorCode: string) =>
    `c|${kind}|${statusCode}|${errorCode}`,
  bucket: (kind: string, index: number) => `b|${kind}|${index}`,
  latencySumMs: (kind: string) => `ls|${kind}`,
  latencyCount: (kind: string) => `ln|${kind}`,
  outcome: (status: string) => `o|${status}`,
  retries: 'retries',
  throttles: 'throttles',
  throttleMs: 'throttle_ms',
} as const;

/** Index of the first latency bucket holding `seconds`; the last index is +Inf. */
export function bucketIndex(seconds: number): number {
  const i = LATENCY_BUCKETS_S.findIndex((le) => seconds <= le);
  return i === -1 ? LATENCY_BUCKETS_S.length : i;
}
