import type { Redis } from 'ioredis';
import { SUCCESS_STATUSES, type Status } from '../domain/status';
import { readTimeline, type Timeline } from '../metrics/timeline';
import type { HoldReason, RunCounts, RunMeta, RunStore, TenantCounts } from './run-store';
import { runProgress } from './wait-for-run';

export interface Progress {
  /** Rows settled: a final outcome, or held. */
  settled: number;
  total?: number;
  /** Whole percent, 100 only when every row is settled. */
  percent: number;
  complete: boolean;
}

export interface TenantRow {
  tenant: string;
  done: number;
  created: number;
  exists: number;
  failed: number;
  /** rejected, quota_exceeded, auth_failed, invalid_input, duplicate_in_input */
  other: number;
  held: number;
  /** The tenant's current throttle pause, if any. */
  throttleWaitMs: number;
  heldReason?: HoldReason;
}

export interface FailureRow {
  line: number;
  tenant: string;
  appName: string;
  status: Status;
  held: boolean;
  httpStatus?: number;
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
  requestIds: string[];
  attempts: number;
}

export interface RunSummary {
  meta: RunMeta;
  progress: Progress;
}

export interface RunView extends RunSummary {
  counts: RunCounts;
  /** Rows not created/exists (incl. held): what the failures list would show. */
  unsuccessful: number;
  tenants: TenantRow[];
  tenantsTruncated: boolean;
  held: Record<string, HoldReason>;
  failures?: { rows: FailureRow[]; truncated: boolean };
  timeline?: Timeline;
}

export const MAX_TENANT_ROWS = 2000;
export const MAX_FAILURES = 200;

export function progressOf(
  meta: RunMeta,
  counts: RunCounts,
  heldNow: number,
  settledFlag: boolean,
): Progress {
  const settled = counts.done + heldNow;
  const total = meta.total;
  const percent =
    total === undefined || total === 0
      ? settledFlag
        ? 100
        : 0
      : settledFlag
        ? 100
        : Math.min(99, Math.floor((settled / total) * 100));
  return { settled, ...(total !== undefined ? { total } : {}), percent, complete: settledFlag };
}

export async function listRuns(store: RunStore, limit = 50): Promise<RunSummary[]> {
  const metas = await store.list(limit);
  return Promise.all(
    metas.map(async (meta) => {
      const p = await runProgress(store, meta.id);
      return {
        meta: p.meta,
        progress: progressOf(
          p.meta,
          p.counts,
          heldRows(p.counts, await store.held(meta.id)),
          p.settled,
        ),
      };
    }),
  );
}

/** Everything the run page shows; failures and the timeline only when asked (they cost more). */
export async function loadRunView(
  deps: { redis: Redis; store: RunStore; prefix: string },
  runId: string,
  options: { failures?: boolean; timeline?: boolean } = {},
): Promise<RunView | undefined> {
  const meta = await deps.store.get(runId);
  if (!meta) return undefined;
  const [p, held] = await Promise.all([runProgress(deps.store, runId), deps.store.held(runId)]);
  const { counts } = p;
  const names = [
    ...new Set([...meta.tenants, ...Object.keys(counts.byTenant), ...Object.keys(held)]),
  ].sort();
  const shown = names.slice(0, MAX_TENANT_ROWS);
  const waits = await throttleWaits(deps.redis, deps.prefix, shown);
  const tenants = shown.map((t, i) =>
    tenantRow(t, counts.byTenant[t] ?? {}, waits[i] ?? 0, held[t]),
  );
  // Most urgent first: held, then throttled, then the rest by name.
  tenants.sort(
    (a, b) =>
      Number(Boolean(b.heldReason)) - Number(Boolean(a.heldReason)) ||
      Number(b.throttleWaitMs > 0) - Number(a.throttleWaitMs > 0) ||
      a.tenant.localeCompare(b.tenant),
  );
  const unsuccessful =
    Object.entries(counts.byStatus).reduce(
      (n, [s, c]) => n + (SUCCESS_STATUSES.has(s as Status) ? 0 : c),
      0,
    ) + counts.held;
  const view: RunView = {
    meta: p.meta,
    progress: progressOf(p.meta, counts, heldRows(counts, held), p.settled),
    counts,
    unsuccessful,
    tenants,
    tenantsTruncated: names.length > shown.length,
    held,
  };
  if (options.failures) view.failures = await scanFailures(deps.store, meta, unsuccessful);
  if (options.timeline) view.timeline = await readTimeline(deps.redis, deps.prefix, runId);
  return view;
}

function heldRows(counts: RunCounts, held: Record<string, HoldReason>): number {
  return Object.keys(held).reduce((sum, t) => sum + (counts.byTenant[t]?.held ?? 0), 0);
}

function tenantRow(
  tenant: string,
  c: TenantCounts,
  throttleWaitMs: number,
  heldReason: HoldReason | undefined,
): TenantRow {
  const n = (s: keyof TenantCounts) => c[s] ?? 0;
  const other =
    n('rejected') +
    n('quota_exceeded') +
    n('auth_failed') +
    n('invalid_input') +
    n('duplicate_in_input');
  return {
    tenant,
    done: n('created') + n('exists') + n('failed') + other,
    created: n('created'),
    exists: n('exists'),
    failed: n('failed'),
    other,
    held: n('held'),
    throttleWaitMs,
    ...(heldReason ? { heldReason } : {}),
  };
}

/** Remaining pause per tenant (`<prefix>:limit:<tenant>:pause` holds ms on Redis's clock). */
async function throttleWaits(redis: Redis, prefix: string, tenants: string[]): Promise<number[]> {
  if (tenants.length === 0) return [];
  const [time, pauses] = await Promise.all([
    redis.time(),
    redis.mget(...tenants.map((t) => `${prefix}:limit:${t}:pause`)),
  ]);
  const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  return pauses.map((v) => (v ? Math.max(0, Number(v) - now) : 0));
}

/** The first failures in input order; stops reading as soon as it has them all or the cap. */
async function scanFailures(
  store: RunStore,
  meta: RunMeta,
  unsuccessful: number,
): Promise<{ rows: FailureRow[]; truncated: boolean }> {
  const rows: FailureRow[] = [];
  if (unsuccessful === 0) return { rows, truncated: false };
  for await (const o of store.outcomesInOrder(meta.id, meta.maxLine ?? 0)) {
    if (SUCCESS_STATUSES.has(o.status)) continue;
    rows.push({
      line: o.line,
      tenant: o.tenant,
      appName: o.appName,
      status: o.status,
      held: o.held === true,
      ...(o.httpStatus !== undefined ? { httpStatus: o.httpStatus } : {}),
      ...(o.errorCode !== undefined ? { errorCode: o.errorCode } : {}),
      ...(o.errorMsg !== undefined ? { errorMsg: o.errorMsg } : {}),
      ...(o.requestId !== undefined ? { requestId: o.requestId } : {}),
      requestIds: o.requestIds,
      attempts: o.attempts,
    });
    if (rows.length >= MAX_FAILURES || rows.length >= unsuccessful) break;
  }
  return { rows, truncated: unsuccessful > rows.length };
}
