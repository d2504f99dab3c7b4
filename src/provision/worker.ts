import { hostname } from 'node:os';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { RetryableError } from '../domain/errors';
import type { Logger } from '../infra/logger';
import { QUEUE_NAME, type ProvisionJobData } from '../queue/provision-queue';
import { nextDelay, type BackoffOptions } from '../rtc/backoff';
import type { RunStore } from '../runs/run-store';
import { buildOutcome, freshProgress } from './outcome-builder';
import {
  createProcessor,
  type ProcessorDeps,
  type ProcessorOptions,
  type ProcessResult,
} from './processor';

export interface WorkerSettings {
  prefix: string;
  /** Default: the shared queue. */
  queueName?: string;
  concurrency: number;
  /** A killed worker's jobs are picked up by others within about this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  backoff: BackoffOptions;
}

export const DEFAULT_WORKER_SETTINGS = {
  concurrency: 50,
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 5,
} as const;

/** The BullMQ worker around the processor, with the `rtc` backoff strategy and a last-resort outcome. */
export function createProvisionWorker(
  connection: ConnectionOptions,
  settings: WorkerSettings,
  deps: ProcessorDeps,
  options: ProcessorOptions,
): Worker<ProvisionJobData, ProcessResult> {
  const processor = createProcessor(deps, options);
  const worker = new Worker<ProvisionJobData, ProcessResult>(
    settings.queueName ?? QUEUE_NAME,
    processor,
    {
      connection,
      prefix: settings.prefix,
      // Shown as the job's `processedBy` (dashboard, tests): which process ran it.
      name: `${hostname()}-${process.pid}`,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: settings.maxStalledCount,
      autorun: false,
      settings: {
        // The processor computes the delay (it knows Retry-After and the row's history) and passes it on.
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          err instanceof RetryableError && err.retryAfterMs !== undefined
            ? err.retryAfterMs
            : fallbackDelay(attemptsMade, settings.backoff, deps.random),
      },
    },
  );
  worker.on('failed', (job, err) => {
    if (job) void recordFinalFailure(job, err, deps.store, deps.logger);
  });
  // Connection errors repeat while Redis is away: one line each, no stack.
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'worker error (retrying)'));
  return worker;
}

function fallbackDelay(
  attemptsMade: number,
  backoff: BackoffOptions,
  random: () => number,
): number {
  const d = nextDelay(
    Math.max(1, attemptsMade),
    { ...backoff, maxAttempts: Number.MAX_SAFE_INTEGER },
    random,
  );
  return d === 'stop' ? backoff.capMs : d;
}

/** BullMQ gave up on a job (unexpected errors, or stalled too often): the row still gets an outcome. */
async function recordFinalFailure(
  job: Job<ProvisionJobData>,
  err: Error,
  store: RunStore,
  logger: Logger,
): Promise<void> {
  const attempts = job.opts.attempts ?? 1;
  const final = job.attemptsMade >= attempts || /stalled more than/i.test(err.message);
  if (!final) return;
  const st = job.data.st ?? freshProgress(job.timestamp);
  const outcome = buildOutcome(
    job.data,
    st,
    {
      status: 'failed',
      errorCode: (err as { code?: string }).code ?? 'ERR_WORKER',
      errorMsg: `the worker gave up on this row: ${err.message}`,
    },
    Date.now(),
  );
  try {
    await store.setOutcome(job.data.runId, outcome, { keepFinal: true });
  } catch (e) {
    logger.error({ err: e, line: job.data.line }, 'could not record a final failure');
  }
}
