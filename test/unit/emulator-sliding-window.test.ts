import { describe, expect, it } from 'vitest';
import { describeWindow, SlidingWindow } from '../../src/emulator/sliding-window';

describe('SlidingWindow', () => {
  it('accepts a call only when fewer than max were accepted in the preceding window', () => {
    const w = new SlidingWindow({ max: 2, windowMs: 1000 });
    const decisions = [0, 500, 999, 1000, 1499, 1500].map((t) => [t, w.admit(t).accepted]);
    expect(decisions).toEqual([
      [0, true],
      [500, true],
      [999, false],
      [1000, true],
      [1499, false],
      [1500, true],
    ]);
  });

  it('says how long until the oldest accepted call leaves the window', () => {
    const w = new SlidingWindow({ max: 1, windowMs: 1000 });
    w.admit(100);
    expect(w.admit(350)).toEqual({ accepted: false, retryAfterMs: 750 });
  });

  it('does not let refused calls take a slot', () => {
    const w = new SlidingWindow({ max: 1, windowMs: 100 });
    expect(w.admit(0).accepted).toBe(true);
    for (let t = 1; t < 100; t++) expect(w.admit(t).accepted).toBe(false);
    expect(w.admit(100).accepted).toBe(true);
  });

  it('tracks the most arrivals, accepted or not, in any window', () => {
    const w = new SlidingWindow({ max: 2, windowMs: 1000 });
    for (const t of [0, 10, 20, 30]) w.admit(t); // 4 arrivals, 2 accepted
    expect(w.maxInWindow).toBe(4);
    for (const t of [2000, 2500]) w.admit(t);
    expect(w.maxInWindow).toBe(4);
    for (const t of [2600, 2700, 2800]) w.admit(t);
    expect(w.maxInWindow).toBe(5);
  });

  it('counts a call exactly windowMs old as outside the window', () => {
    const w = new SlidingWindow({ max: 10, windowMs: 1000 });
    w.admit(0);
    w.admit(1000);
    expect(w.maxInWindow).toBe(1);
  });

  it('handles 100 000 calls in linear time', () => {
    const w = new SlidingWindow({ max: 60, windowMs: 60_000 });
    let accepted = 0;
    const started = performance.now();
    for (let t = 0; t < 100_000; t++) if (w.admit(t).accepted) accepted++;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(accepted).toBe(120); // two windows' worth: t < 60 000 and 60 000 ≤ t < 100 000
    expect(w.maxInWindow).toBe(60_000);
  });
});

describe('describeWindow', () => {
  it('words the window as the gateway does', () => {
    expect(describeWindow({ max: 60, windowMs: 60_000 })).toBe('limit:60, time:1 minute');
    expect(describeWindow({ max: 5, windowMs: 1000 })).toBe('limit:5, time:1 second');
    expect(describeWindow({ max: 3, windowMs: 500 })).toBe('limit:3, time:500 millisecond');
  });
});
