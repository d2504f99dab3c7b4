import type { Outcome } from '../domain/outcome';
import type { Status } from '../domain/status';
import type { JobProgress, ProvisionJobData } from '../queue/provision-queue';

export interface Decision {
  status: Status;
  appId?: string;
  httpStatus?: number;
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
  reconciled?: boolean;
  held?: boolean;
}

/** The one place a job's progress turns into its report line. Pure. */
export function buildOutcome(
  data: ProvisionJobData,
  st: JobProgress,
  decision: Decision,
  now: number,
): Outcome {
  const o: Outcome = {
    line: data.line,
    tenant: data.tenant,
    appName: data.appName,
    status: decision.status,
    requestIds: st.requestIds,
    attempts: st.attempts,
    reconciled: decision.reconciled ?? false,
    startedAt: new Date(st.startedAt).toISOString(),
    finishedAt: new Date(now).toISOString(),
    durationMs: Math.max(0, now - st.startedAt),
    extra: data.extra ?? {},
  };
  if (decision.appId !== undefined) o.appId = decision.appId;
  if (decision.httpStatus !== undefined) o.httpStatus = decision.httpStatus;
  if (decision.errorCode !== undefined) o.errorCode = decision.errorCode;
  if (decision.errorMsg !== undefined) o.errorMsg = decision.errorMsg;
  if (decision.requestId !== undefined) o.requestId = decision.requestId;
  if (decision.held) o.held = true;
  return o;
}

export function freshProgress(now: number): JobProgress {
  return {
    requestIds: [],
    attempts: 0,
    throttles: 0,
    ambiguous: false,
    refreshed: false,
    startedAt: now,
  };
}
