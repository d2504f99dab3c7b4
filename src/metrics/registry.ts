import { collectDefaultMetrics, Registry } from 'prom-client';

/** API latency buckets in seconds: the API answers in tens of ms; timeouts default to 30 s. */
export const LATENCY_BUCKETS_S = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** A registry of its own per process (never prom-client's global one), optionally with process metrics. */
export function createMetricsRegistry(
  options: { processMetrics?: boolean; labels?: Record<string, string> } = {},
): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'rtcp_' });
  return registry;
}
