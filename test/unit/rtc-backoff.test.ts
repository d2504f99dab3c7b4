import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, DEFAULT_THROTTLE, nextDelay, throttleDelay } from '../../src/rtc/backoff';

const always = (x: number) => () => x;
const opts = { baseMs: 500, capMs: 30_000, maxAttempts: 6, budgetMs: 600_000 };

describe('nextDelay', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_BACKOFF).toEqual({
      baseMs: 500,
      capMs: 30_000,
      maxAttempts: 6,
      budgetMs: 600_000,
    });
  });

  it('grows exponentially (full jitter ceiling base × 2^(attempt−1))', () => {
    expect(
      [1, 2, 3, 4, 5].map((a) => nextDelay(a, { ...opts, maxAttempts: 99 }, always(0.999999))),
    ).toEqual([499, 999, 1999, 3999, 7999]);
    expect(nextDelay(3, opts, always(0.5))).toBe(1000);
  });

  it('is full jitter: a random of 0 waits 0', () => {
    expect(nextDelay(4, opts, always(0))).toBe(0);
  });

  it('is capped', () => {
    expect(nextDelay(12, { ...opts, maxAttempts: 99 }, always(0.999999))).toBe(29_999);
    expect(nextDelay(40, { ...opts, maxAttempts: 99 }, always(1))).toBe(30_000);
  });

  it('stops once maxAttempts are used', () => {
    expect(nextDelay(5, opts, always(0.5))).not.toBe('stop');
    expect(nextDelay(6, opts, always(0.5))).toBe('stop');
    expect(nextDelay(7, opts, always(0.5))).toBe('stop');
  });

  it('stops when the wait would end past the budget', () => {
    const small = { ...opts, budgetMs: 10_000 };
    expect(nextDelay(3, small, always(1), 8_000)).toBe(2000);
    expect(nextDelay(3, small, always(1), 8_001)).toBe('stop');
  });

  it('defaults the budget to 10 minutes', () => {
    const noBudget = { baseMs: 500, capMs: 30_000, maxAttempts: 6 };
    expect(nextDelay(1, noBudget, always(0), 600_000)).toBe(0);
    expect(nextDelay(1, noBudget, always(0), 600_001)).toBe('stop');
  });

  it('honours Retry-After as a floor', () => {
    expect(nextDelay(1, opts, always(0.1), 0, 7_000)).toBe(7_000);
    expect(nextDelay(5, opts, always(1), 0, 100)).toBe(8_000);
    expect(nextDelay(1, { ...opts, budgetMs: 5_000 }, always(0), 0, 7_000)).toBe('stop');
  });
});

describe('throttleDelay', () => {
  const t = DEFAULT_THROTTLE;

  it('has the documented defaults', () => {
    expect(t).toEqual({ minMs: 2_000, capMs: 60_000, maxThrottles: 20 });
  });

  it('waits at least minMs, with jitter growing towards the cap', () => {
    expect(throttleDelay(1, t, always(0))).toBe(2_000);
    expect(throttleDelay(1, t, always(1))).toBe(4_000);
    expect(throttleDelay(2, t, always(1))).toBe(8_000);
    expect(throttleDelay(3, t, always(0.5))).toBe(9_000);
    expect(throttleDelay(10, t, always(1))).toBe(60_000);
    expect(throttleDelay(10, t, always(0))).toBe(2_000);
  });

  it('honours Retry-After exactly, plus at most 10 % jitter', () => {
    expect(throttleDelay(1, t, always(0), 5_000)).toBe(5_000);
    expect(throttleDelay(1, t, always(1), 5_000)).toBe(5_500);
    expect(throttleDelay(3, t, always(0.5), 120_000)).toBe(126_000);
  });

  it('stops after maxThrottles 429s', () => {
    expect(throttleDelay(19, t, always(0))).not.toBe('stop');
    expect(throttleDelay(20, t, always(0))).toBe('stop');
    expect(throttleDelay(20, t, always(0), 1000)).toBe('stop');
  });
});
