/** Time as a dependency, so backoff, limits and schedules are testable without real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that only moves when told to; `sleep` resolves when `advance` passes its deadline. */
export class ManualClock implements Clock {
  private t: number;
  private readonly sleepers: Array<{ until: number; resolve: () => void }> = [];
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ until: this.t + Math.max(0, ms), resolve });
      this.wake();
    });
  }
  advance(ms: number): void {
    this.t += ms;
    this.wake();
  }
  get pendingSleeps(): number {
    return this.sleepers.length;
  }
  private wake(): void {
    for (let i = this.sleepers.length - 1; i >= 0; i--) {
      const s = this.sleepers[i]!;
      if (s.until <= this.t) {
        this.sleepers.splice(i, 1);
        s.resolve();
      }
    }
  }
}
