export {
  collectClusterMetrics,
  QUEUE_STATES,
  type ClusterMetricsDeps,
  type ClusterMetricsOptions,
} from './cluster-metrics';
export { composeObservers } from './compose-observers';
export { boundedLabel, errorCodeLabel, statusCodeLabel } from './labels';
export { buildMetricsServer } from './metrics-server';
export { createProcessorMetrics } from './processor-metrics';
export { createMetricsRegistry, LATENCY_BUCKETS_S } from './registry';
export {
  createRunStatsRecorder,
  type RunStatsRecorder,
  type RunStatsRecorderOptions,
} from './run-stats-recorder';
export { apiStatsKey, timelineKeys } from './stats-keys';
export { parseTimeline, readTimeline, type Timeline, type TimelinePoint } from './timeline';
