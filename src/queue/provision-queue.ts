import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

/** The shared queue that `enqueue` fills and `work` drains. */
export const QUEUE_NAME = 'provision';

/**
 * `run` works its own queue, so its in-process workers never take another run's rows, and no
 * `work` process elsewhere (say, production's) ever takes the rows of a `run` (say, a demo).
 */
export function runQueueName(runId: string): string {
  return `${QUEUE_NAME}-${runId}`;
}

/** The queue a run's rows are in (recorded in the run's options). */
export function queueOf(options: Record<string, unknown>): string {
  return typeof options.queue === 'string' ? options.queue : QUEUE_NAME;
}
export const DEFAULT_PREFIX = 'rtcp';

/** What a job carries between attempts and delays. No secrets: only the tenant id. */
export interface JobProgress {
  /** Request ids of every call made for this row, in order. */
  requestIds: string[];
  /** Create calls that were answered (or failed on the wire), throttled ones excluded. */
  attempts: number;
  throttles: number;
  /** An earlier attempt may have created the app (500, timeout, reset, crash mid-call). */
  ambiguous: boolean;
  refreshed: boolean;
  startedAt: number;
  reservation?: string;
  lastError?: { httpStatus?: number; code?: string; msg?: string; requestId?: string };
}

export interface ProvisionJobData {
  runId: string;
  tenant: string;
  appName: string;
  line: number;
  extra?: Record<string, string>;
  st?: JobProgress;
}

export interface QueueSettings {
  prefix: string;
  /** BullMQ attempts: the processor decides when to stop; this is a ceiling above it. */
  attempts: number;
}

export function jobOptions(settings: QueueSettings): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'rtc' },
    // Outcomes live in the run's hash; finished jobs are kept only for the dashboard.
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 5000 },
  };
}

export function createProvisionQueue(
  connection: ConnectionOptions,
  prefix: string,
  name: string = QUEUE_NAME,
): Queue<ProvisionJobData> {
  return new Queue<ProvisionJobData>(name, { connection, prefix });
}
