import { describe, expect, it } from 'vitest';
import { jobIdFor } from '../../src/domain/job-id';
import { newRunId } from '../../src/runs/keys';

describe('job ids', () => {
  it('are deterministic per run, tenant and name', () => {
    expect(jobIdFor('r1', 'acme', 'app-1')).toBe(jobIdFor('r1', 'acme', 'app-1'));
    expect(jobIdFor('r1', 'acme', 'app-1')).not.toBe(jobIdFor('r1', 'acme', 'app-2'));
    expect(jobIdFor('r1', 'acme', 'app-1')).not.toBe(jobIdFor('r2', 'acme', 'app-1'));
    expect(jobIdFor('r1', 'acme', 'app-1')).not.toBe(jobIdFor('r1', 'globex', 'app-1'));
  });

  it('never contain ":" and are never all digits, even for such names', () => {
    for (const [run, tenant, name] of [
      ['r1', 'acme', 'a:b:c'],
      ['12345', '12345', '12345'],
      ['r:1', 't:1', ':'],
    ] as const) {
      const id = jobIdFor(run, tenant, name);
      expect(id).not.toContain(':');
      expect(id).not.toMatch(/^\d+$/);
    }
  });

  it('tell apart tenants whose ids differ only in characters that are replaced', () => {
    expect(jobIdFor('r1', 'a.b', 'x')).not.toBe(jobIdFor('r1', 'a_b', 'x'));
  });

  it('run ids are readable, sortable and never all digits', () => {
    const id = newRunId(new Date('2026-12-03T16:17:00Z'), 'a1b2c3');
    expect(id).toBe('r20261203-161700-a1b2');
  });
});
