import type { Redis } from 'ioredis';
import { TIMELINE_FIELD, timelineKeys } from './stats-keys';

export interface TimelinePoint {
  /** Start of the bucket, epoch ms. */
  t: number;
  rows: number;
  /** Mean API latency in the bucket; absent when no call finished in it. */
  latencyMs?: number;
}

export interface Timeline {
  resolutionS: 1 | 60;
  points: TimelinePoint[];
}

/** Per-second buckets up to this many, then per-minute ones (a long run's chart stays small). */
export const MAX_SECOND_FIELDS = 3 * 30 * 60;

/** A run's buckets, oldest first, with empty buckets filled in so the chart's x axis is time. */
export async function readTimeline(redis: Redis, prefix: string, runId: string): Promise<Timeline> {
  const keys = timelineKeys(prefix, runId);
  const fields = await redis.hlen(keys.perSecond);
  if (fields <= MAX_SECOND_FIELDS) return parseTimeline(await redis.hgetall(keys.perSecond), 1);
  return parseTimeline(await redis.hgetall(keys.perMinute), 60);
}

/** Pure: hash fields `<epoch bucket>|r|ls|ln` → points. */
export function parseTimeline(
  raw: Record<string, string>,
  resolutionS: 1 | 60,
  maxPoints = 2000,
): Timeline {
  const buckets = new Map<number, { rows: number; sum: number; n: number }>();
  for (const [field, value] of Object.entries(raw)) {
    const cut = field.indexOf('|');
    const bucket = Number(field.slice(0, cut));
    const name = field.slice(cut + 1);
    if (!Number.isFinite(bucket)) continue;
    let b = buckets.get(bucket);
    if (!b) buckets.set(bucket, (b = { rows: 0, sum: 0, n: 0 }));
    const n = Number(value);
    if (name === TIMELINE_FIELD.rows) b.rows += n;
    else if (name === TIMELINE_FIELD.latencySumMs) b.sum += n;
    else if (name === TIMELINE_FIELD.latencyCount) b.n += n;
  }
  if (buckets.size === 0) return { resolutionS, points: [] };
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const first = Math.max(keys[0]!, keys[keys.length - 1]! - (maxPoints - 1) * resolutionS);
  const last = keys[keys.length - 1]!;
  const points: TimelinePoint[] = [];
  for (let s = first; s <= last; s += resolutionS) {
    const b = buckets.get(s);
    const p: TimelinePoint = { t: s * 1000, rows: b?.rows ?? 0 };
    if (b && b.n > 0) p.latencyMs = Math.round(b.sum / b.n);
    points.push(p);
  }
  return { resolutionS, points };
}
