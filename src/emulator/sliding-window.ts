import type { RateLimit } from '../config/rate';

export type Admission = { accepted: true } | { accepted: false; retryAfterMs: number };

/**
 * The strictest reading of "N calls per window": a call at `now` is accepted only when fewer
 * than `max` calls were accepted in `(now - windowMs, now]`. O(1) per call: a ring of the last
 * `max` accepted times suffices, since only the oldest of them can decide.
 */
export class SlidingWindow {
  private readonly accepted: number[];
  private next = 0;
  private filled = 0;
  private readonly arrivals = new TimeDeque();
  private peak = 0;

  constructor(readonly rate: RateLimit) {
    this.accepted = new Array<number>(rate.max).fill(0);
  }

  /** Records an arrival at `now` and decides it. */
  admit(now: number): Admission {
    this.arrivals.push(now);
    this.arrivals.dropBefore(now - this.rate.windowMs);
    if (this.arrivals.size > this.peak) this.peak = this.arrivals.size;

    if (this.filled === this.rate.max) {
      const oldest = this.accepted[this.next]!;
      const freeAt = oldest + this.rate.windowMs;
      if (freeAt > now) return { accepted: false, retryAfterMs: freeAt - now };
    } else {
      this.filled++;
    }
    this.accepted[this.next] = now;
    this.next = (this.next + 1) % this.rate.max;
    return { accepted: true };
  }

  /** Starts the peak over (after a stats reset). */
  resetPeak(): void {
    this.peak = 0;
  }

  /** Most arrivals (accepted or not) seen in any window of `windowMs`. */
  get maxInWindow(): number {
    return this.peak;
  }
}

/** Timestamps in arrival order; drops from the front in amortised O(1). */
class TimeDeque {
  private items: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(t: number): void {
    this.items.push(t);
  }

  /** Drops every time `<= limit` (they are out of the window `(limit, now]`). */
  dropBefore(limit: number): void {
    while (this.head < this.items.length && this.items[this.head]! <= limit) this.head++;
    // Compact once the dead prefix dominates, so memory follows the window, not the history.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** `limit:60, time:1 minute` in the gateway's words. */
export function describeWindow(rate: RateLimit): string {
  const w = rate.windowMs;
  const time =
    w % 3_600_000 === 0
      ? `${w / 3_600_000} hour`
      : w % 60_000 === 0
        ? `${w / 60_000} minute`
        : w % 1000 === 0
          ? `${w / 1000} second`
          : `${w} millisecond`;
  return `limit:${rate.max}, time:${time}`;
}
