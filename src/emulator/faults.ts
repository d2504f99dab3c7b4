import type { EmulatorFaults } from './options';

export type CreateFault = 'none' | 'error500' | 'ambiguous500' | 'ambiguousDrop';

const DEFAULT_SEED = 0x5eed;

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). Reproducible across runs and machines. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Decides which creates fail and how long answers take. Outcomes and latencies draw from two
 * streams, so turning latency on does not change which requests fail.
 */
export class FaultInjector {
  private faults: EmulatorFaults = {};
  private outcomes = mulberry32(DEFAULT_SEED);
  private delays = mulberry32(DEFAULT_SEED ^ 0x9e3779b9);

  constructor(faults: EmulatorFaults = {}) {
    this.set(faults);
  }

  /** Replaces the fault settings; a given seed restarts both streams. */
  set(faults: EmulatorFaults): void {
    this.faults = { ...faults };
    if (faults.seed !== undefined) {
      this.outcomes = mulberry32(faults.seed);
      this.delays = mulberry32(faults.seed ^ 0x9e3779b9);
    }
  }

  get current(): EmulatorFaults {
    return { ...this.faults };
  }

  /** Draws once per create (twice when ambiguous) while any rate is set. */
  nextCreate(): CreateFault {
    const error500 = this.faults.error500Rate ?? 0;
    const ambiguous = this.faults.ambiguousRate ?? 0;
    if (error500 <= 0 && ambiguous <= 0) return 'none';
    const r = this.outcomes();
    if (r < error500) return 'error500';
    if (r < error500 + ambiguous) return this.outcomes() < 0.5 ? 'ambiguous500' : 'ambiguousDrop';
    return 'none';
  }

  /** Delay in ms before answering; 0 when no latency is configured. */
  nextLatency(): number {
    const range = this.faults.latencyMs;
    if (!range) return 0;
    const [min, max] = range;
    return Math.round(min + (Math.max(min, max) - min) * this.delays());
  }
}
