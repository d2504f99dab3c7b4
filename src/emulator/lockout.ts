import type { KeyStats } from './stats';

/**
 * "More than `failures` consecutive authentication failures lock the key for `durationMs`."
 * Keys are tracked as they appear, known or not, as the gateway does.
 */
export class KeyLockout {
  private readonly keys = new Map<string, KeyStats>();

  constructor(private readonly policy: { failures: number; durationMs: number }) {}

  /** Whether the key is locked at `now`; an expired lock is lifted and the count starts over. */
  isLocked(ak: string, now: number): boolean {
    const k = this.keys.get(ak);
    if (!k || k.lockedUntil === null) return false;
    if (k.lockedUntil > now) {
      k.refusedWhileLocked++;
      return true;
    }
    k.lockedUntil = null;
    k.consecutiveFailures = 0;
    return false;
  }

  failed(ak: string, now: number): void {
    const k = this.entry(ak);
    k.failures++;
    k.consecutiveFailures++;
    if (k.consecutiveFailures > this.policy.failures) k.lockedUntil = now + this.policy.durationMs;
  }

  succeeded(ak: string): void {
    this.entry(ak).consecutiveFailures = 0;
  }

  snapshot(): Record<string, KeyStats> {
    return Object.fromEntries([...this.keys].map(([ak, k]) => [ak, { ...k }]));
  }

  private entry(ak: string): KeyStats {
    let k = this.keys.get(ak);
    if (!k) {
      k = { failures: 0, consecutiveFailures: 0, lockedUntil: null, refusedWhileLocked: 0 };
      this.keys.set(ak, k);
    }
    return k;
  }
}
