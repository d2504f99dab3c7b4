import type { Queue } from 'bullmq';
import { jobIdFor } from '../domain/job-id';
import type { Outcome } from '../domain/outcome';
import type { InputItem, Row, RowProblem } from '../domain/row';
import type { RunStore } from '../runs/run-store';
import { jobOptions, type ProvisionJobData, type QueueSettings } from './provision-queue';

export interface EnqueueResult {
  total: number;
  queued: number;
  problems: number;
  maxLine: number;
  tenants: string[];
  extraColumns: string[];
}

export interface EnqueueOptions {
  runId: string;
  settings: QueueSettings;
  chunkSize?: number;
  /** Known existing apps from a plan: tenant → name → app id; those rows become `exists` without a call. */
  existing?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Request ids of the listing calls per tenant, carried to those rows' report lines. */
  existingRequestIds?: ReadonlyMap<string, readonly string[]>;
  onProgress?: (p: { read: number; queued: number }) => void;
}

const MAX_EXTRA_COLUMNS = 64;

/**
 * Streams input items into the queue in chunks. Job ids are deterministic, so submitting the same
 * chunk twice adds nothing; problems and plan-resolved rows get their outcome at once.
 */
export async function enqueueItems(
  items: AsyncIterable<InputItem>,
  deps: { queue: Queue<ProvisionJobData>; store: RunStore },
  options: EnqueueOptions,
): Promise<EnqueueResult> {
  const chunkSize = options.chunkSize ?? 1000;
  const opts = jobOptions(options.settings);
  const tenants = new Set<string>();
  const extraColumns = new Set<string>();
  let chunk: Array<{
    name: string;
    data: ProvisionJobData;
    opts: ReturnType<typeof jobOptions> & { jobId: string };
  }> = [];
  let settled: Outcome[] = [];
  const result: EnqueueResult = {
    total: 0,
    queued: 0,
    problems: 0,
    maxLine: 0,
    tenants: [],
    extraColumns: [],
  };

  // One chunk is written while the next is read: parsing and Redis round trips overlap. At most
  // one write is in flight, so memory stays bounded by two chunks and errors surface in order.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const jobs = chunk;
    const outcomes = settled;
    chunk = [];
    settled = [];
    await inFlight;
    inFlight = (async () => {
      if (jobs.length) await deps.queue.addBulk(jobs);
      if (outcomes.length)
        await deps.store.setOutcomes(options.runId, outcomes, { keepFinal: true });
      result.queued += jobs.length;
      options.onProgress?.({ read: result.total, queued: result.queued });
    })();
    // Surfaces a failed write at the next flush; never left unhandled meanwhile.
    inFlight.catch(() => {});
  };

  for await (const item of items) {
    result.total++;
    const line = item.kind === 'row' ? item.row.line : item.problem.line;
    const extra = item.kind === 'row' ? item.row.extra : item.problem.extra;
    result.maxLine = Math.max(result.maxLine, line);
    for (const col of Object.keys(extra))
      if (extraColumns.size < MAX_EXTRA_COLUMNS) extraColumns.add(col);
    if (item.kind === 'problem') {
      result.problems++;
      settled.push(problemOutcome(item.problem));
    } else {
      const { row } = item;
      tenants.add(row.tenant);
      const knownId = options.existing?.get(row.tenant)?.get(row.appName);
      if (knownId !== undefined) {
        settled.push(
          existsFromPlan(row, knownId, options.existingRequestIds?.get(row.tenant) ?? []),
        );
      } else {
        const data: ProvisionJobData = {
          runId: options.runId,
          tenant: row.tenant,
          appName: row.appName,
          line: row.line,
        };
        if (Object.keys(row.extra).length) data.extra = row.extra;
        chunk.push({
          name: 'create-app',
          data,
          opts: { ...opts, jobId: jobIdFor(options.runId, row.tenant, row.appName) },
        });
      }
    }
    if (chunk.length + settled.length >= chunkSize) await flush();
  }
  await flush();
  await inFlight;
  result.tenants = [...tenants];
  result.extraColumns = [...extraColumns];
  return result;
}

export function problemOutcome(p: RowProblem): Outcome {
  return {
    line: p.line,
    tenant: p.tenant,
    appName: p.appName,
    status: p.status,
    errorMsg: p.reason,
    requestIds: [],
    attempts: 0,
    reconciled: false,
    extra: p.extra,
  };
}

/** A row the plan found in the account: `exists`, with the listing calls' request ids. */
function existsFromPlan(row: Row, appId: string, requestIds: readonly string[]): Outcome {
  const now = new Date().toISOString();
  const last = requestIds.at(-1);
  return {
    line: row.line,
    tenant: row.tenant,
    appName: row.appName,
    status: 'exists',
    appId,
    errorMsg: 'already exists (found by plan; not sent)',
    ...(last ? { requestId: last } : {}),
    requestIds: [...requestIds],
    attempts: 0,
    reconciled: false,
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    extra: row.extra,
  };
}
