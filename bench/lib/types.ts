import type { Redis } from 'ioredis';
import type { ChildOptions } from './child';

/** One line of the results table. */
export interface Metric {
  label: string;
  unit: string;
  product: number;
  baseline?: number;
  /** product / baseline, or achieved / ideal. */
  ratio?: number;
  /** The target, as text; `pass` says whether it is met. */
  target?: string;
  pass?: boolean;
}

export interface CaseResult {
  id: string;
  title: string;
  params: Record<string, unknown>;
  metrics: Metric[];
  /** Raw per-run values, and breakdowns (command profiles) behind the metrics. */
  samples: Record<string, unknown>;
  notes: string[];
  seconds: number;
}

export interface BenchContext {
  quick: boolean;
  /** Repeats of each product/baseline pair (the issue: several; `--quick`: 1). */
  repeats: number;
  /** The bench's private redis-server: flushed and reset freely, never the shared one. */
  redis: Redis;
  redisUrl: string;
  /** Scratch directory for generated inputs and reports. */
  tmp: string;
  /** Passed to every spawnChild (e.g. CPU profiling). */
  child: ChildOptions;
  log(message: string): void;
}
