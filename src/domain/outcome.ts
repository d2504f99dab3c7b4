import type { Status } from './status';

/** What the worker (or the validator) decided for one row. Stored in Redis, one per row. */
export interface Outcome {
  line: number;
  tenant: string;
  appName: string;
  status: Status;
  appId?: string;
  httpStatus?: number;
  errorCode?: string;
  errorMsg?: string;
  /** Request id of the call that decided the outcome. */
  requestId?: string;
  /** Request ids of every call made for this row, in order. */
  requestIds: string[];
  attempts: number;
  reconciled: boolean;
  /** ISO-8601 */
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  extra: Record<string, string>;
  /** Set while a tenant is held by its auth circuit breaker: provisional, `resume` replaces it. */
  held?: boolean;
}

/** Report columns in order (DESIGN.md §2); pass-through columns follow. */
export const REPORT_COLUMNS = [
  'line',
  'tenant',
  'app_name',
  'status',
  'app_id',
  'http_status',
  'error_code',
  'error_msg',
  'request_id',
  'request_ids',
  'attempts',
  'reconciled',
  'started_at',
  'finished_at',
  'duration_ms',
] as const;
