import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/domain/outcome';
import { STATUSES, type Status } from '../../src/domain/status';
import { formatSummary, summarize, SummaryAccumulator } from '../../src/report';

function outcome(line: number, tenant: string, status: Status): Outcome {
  return {
    line,
    tenant,
    appName: `app-${line}`,
    status,
    requestIds: [],
    attempts: 1,
    reconciled: false,
    extra: {},
  };
}

const meta = { runId: 'run-1', startedAt: Date.UTC(2025, 0, 2, 3, 4, 5), finishedAt: 0 };
meta.finishedAt = meta.startedAt + 2000;

describe('summary', () => {
  it('counts per status (all eight present) and per tenant', () => {
    const s = summarize(
      [
        outcome(1, 'acme', 'created'),
        outcome(2, 'acme', 'created'),
        outcome(3, 'acme', 'exists'),
        outcome(4, 'globex', 'quota_exceeded'),
        outcome(5, 'globex', 'created'),
        outcome(6, 'default', 'invalid_input'),
      ],
      meta,
    );
    expect(Object.keys(s.byStatus)).toEqual([...STATUSES]);
    expect(s.byStatus).toMatchObject({ created: 3, exists: 1, quota_exceeded: 1, failed: 0 });
    expect(s.byTenant).toEqual({
      acme: { created: 2, exists: 1 },
      default: { invalid_input: 1 },
      globex: { quota_exceeded: 1, created: 1 },
    });
    expect(s).toMatchObject({
      runId: 'run-1',
      total: 6,
      wallMs: 2000,
      rowsPerSecond: 3,
      startedAt: '2025-01-02T03:04:05.000Z',
      finishedAt: '2025-01-02T03:04:07.000Z',
      exitCode: 1,
    });
  });

  it('exits 0 only when every row is created or exists; empty input exits 0', () => {
    expect(summarize([outcome(1, 'a', 'created'), outcome(2, 'a', 'exists')], meta).exitCode).toBe(
      0,
    );
    expect(summarize([], meta)).toMatchObject({ exitCode: 0, total: 0, rowsPerSecond: 0 });
    for (const status of STATUSES.filter((s) => s !== 'created' && s !== 'exists')) {
      expect(summarize([outcome(1, 'a', 'created'), outcome(2, 'a', status)], meta).exitCode).toBe(
        1,
      );
    }
  });

  it('has no throughput for zero wall time instead of dividing by zero', () => {
    const s = summarize([outcome(1, 'a', 'created')], { ...meta, finishedAt: meta.startedAt });
    expect(s.rowsPerSecond).toBe(0);
  });

  it('accumulates incrementally to the same result as summarize', () => {
    const all = [outcome(1, 'a', 'created'), outcome(2, 'b', 'failed')];
    const acc = new SummaryAccumulator();
    for (const o of all) acc.add(o);
    expect(acc.result(meta)).toEqual(summarize(all, meta));
  });
});

describe('formatSummary', () => {
  it('shows every status with zeros, the tenants, wall time and rows/s', () => {
    const text = formatSummary(
      summarize([outcome(1, 'acme', 'created'), outcome(2, 'globex', 'auth_failed')], meta),
    );
    for (const status of STATUSES) expect(text).toMatch(new RegExp(`^  ${status} +\\d+$`, 'm'));
    expect(text).toMatch(/^ {2}duplicate_in_input +0$/m);
    expect(text).toContain('2.00 s');
    expect(text).toContain('1 rows/s');
    expect(text).toMatch(/^ {2}tenant +total +created +auth_failed$/m);
    expect(text).toMatch(/^ {2}globex +1 +0 +1$/m);
    expect(text).toContain('exit 1');
  });

  it('lists the 20 busiest tenants and says how many more there are', () => {
    const outcomes: Outcome[] = [];
    for (let t = 0; t < 25; t += 1) {
      for (let i = 0; i <= t; i += 1)
        outcomes.push(outcome(outcomes.length + 1, `t${t}`, 'created'));
    }
    const text = formatSummary(summarize(outcomes, meta));
    expect(text).toMatch(/^ {2}t24 +25 +25$/m);
    expect(text).toMatch(/^ {2}t5 +6 +6$/m);
    expect(text).not.toMatch(/^ {2}t4 /m);
    expect(text).toContain('… 5 more tenants');
    expect(text).toContain('exit 0');
  });
});
