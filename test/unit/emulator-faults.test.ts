import { describe, expect, it } from 'vitest';
import { FaultInjector, mulberry32 } from '../../src/emulator/faults';

const draw = (f: FaultInjector, n: number) => Array.from({ length: n }, () => f.nextCreate());

describe('mulberry32', () => {
  it('is reproducible from its seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });
});

describe('FaultInjector', () => {
  const faults = { seed: 7, error500Rate: 0.2, ambiguousRate: 0.2 };

  it('gives the same outcomes for the same seed', () => {
    const first = draw(new FaultInjector(faults), 200);
    expect(draw(new FaultInjector(faults), 200)).toEqual(first);
    expect(draw(new FaultInjector({ ...faults, seed: 8 }), 200)).not.toEqual(first);
  });

  it('produces every kind of fault near the configured rates', () => {
    const outcomes = draw(new FaultInjector(faults), 10_000);
    const share = (k: string) => outcomes.filter((o) => o === k).length / outcomes.length;
    expect(share('error500')).toBeGreaterThan(0.17);
    expect(share('error500')).toBeLessThan(0.23);
    expect(share('ambiguous500') + share('ambiguousDrop')).toBeGreaterThan(0.17);
    expect(share('ambiguous500')).toBeGreaterThan(0.07);
    expect(share('ambiguousDrop')).toBeGreaterThan(0.07);
  });

  it('injects nothing without rates', () => {
    expect(new Set(draw(new FaultInjector({ seed: 1 }), 100))).toEqual(new Set(['none']));
    expect(new FaultInjector().nextLatency()).toBe(0);
  });

  it('restarts the sequence when set() gives a seed', () => {
    const f = new FaultInjector(faults);
    const first = draw(f, 50);
    f.set(faults);
    expect(draw(f, 50)).toEqual(first);
  });

  it('keeps latency within its range without changing the outcome sequence', () => {
    const withLatency = new FaultInjector({ ...faults, latencyMs: [5, 9] });
    const plain = new FaultInjector(faults);
    const outcomes: string[] = [];
    for (let i = 0; i < 100; i++) {
      const ms = withLatency.nextLatency();
      expect(ms).toBeGreaterThanOrEqual(5);
      expect(ms).toBeLessThanOrEqual(9);
      outcomes.push(withLatency.nextCreate());
    }
    expect(draw(plain, 100)).toEqual(outcomes);
  });
});
