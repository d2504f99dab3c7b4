import { Counter, Histogram, type Registry } from 'prom-client';
import type { ProcessorObserver } from '../provision/processor';
import { boundedLabel, errorCodeLabel, statusCodeLabel } from './labels';
import { LATENCY_BUCKETS_S } from './registry';

/**
 * This process's API calls, retries, throttles and outcomes as prom-client metrics (scrape a
 * worker process directly). Labels are bounded: never a tenant, a run or a name.
 */
export function createProcessorMetrics(
  registry: Registry,
  options: { maxErrorCodes?: number } = {},
): ProcessorObserver {
  const registers = [registry];
  const calls = new Counter({
    name: 'rtcp_worker_api_calls_total',
    help: 'API calls made by this process, by call kind, HTTP status (or network) and error code',
    labelNames: ['kind', 'status_code', 'error_code'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'rtcp_worker_api_call_duration_seconds',
    help: 'API call latency seen by this process',
    labelNames: ['kind'] as const,
    buckets: [...LATENCY_BUCKETS_S],
    registers,
  });
  const retries = new Counter({
    name: 'rtcp_worker_retries_total',
    help: 'Rows scheduled for another attempt after a retryable failure',
    registers,
  });
  const throttles = new Counter({
    name: 'rtcp_worker_throttle_waits_total',
    help: 'Throttled (429) answers that paused a tenant',
    registers,
  });
  const throttleSeconds = new Counter({
    name: 'rtcp_worker_throttle_wait_seconds_total',
    help: 'Seconds of tenant pauses ordered after throttled answers',
    registers,
  });
  const outcomes = new Counter({
    name: 'rtcp_worker_outcomes_total',
    help: 'Rows finished by this process, by outcome status (held rows excluded)',
    labelNames: ['status'] as const,
    registers,
  });
  const errorCode = boundedLabel(options.maxErrorCodes ?? 50);

  return {
    onCall(_tenant, result, cls, kind) {
      calls.inc({
        kind,
        status_code: statusCodeLabel(result),
        error_code: errorCode(errorCodeLabel(result, cls)),
      });
      if (result) latency.observe({ kind }, result.durationMs / 1000);
    },
    onOutcome(outcome) {
      if (!outcome.held) outcomes.inc({ status: outcome.status });
    },
    onThrottle(_tenant, waitMs) {
      throttles.inc();
      throttleSeconds.inc(waitMs / 1000);
    },
    onRetry() {
      retries.inc();
    },
  };
}
