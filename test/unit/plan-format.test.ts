import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/domain/row';
import { formatPlan, planToJson } from '../../src/plan/format-plan';
import { buildPlan } from '../../src/plan/planner';

const row = (tenant: string, appName: string, line: number): InputItem => ({
  kind: 'row',
  row: { line, tenant, appName, extra: {} },
});

describe('formatPlan', () => {
  const items: InputItem[] = [
    row('acme', 'a1', 2),
    row('acme', 'acme-legacy-portal', 3),
    {
      kind: 'problem',
      problem: {
        line: 4,
        tenant: 'acme',
        appName: '',
        extra: {},
        status: 'invalid_input',
        reason: 'app_name is empty',
      },
    },
    {
      kind: 'problem',
      problem: {
        line: 5,
        tenant: 'acme',
        appName: 'a1',
        extra: {},
        status: 'duplicate_in_input',
        reason: 'same tenant and app_name as line 2',
        firstLine: 2,
      },
    },
    row('full', 'f1', 6),
    row('full', 'f2', 7),
    row('bad', 'b1', 8),
  ];
  const plan = buildPlan(
    items,
    new Map([
      ['acme', new Map([['acme-legacy-portal', 'abc123']])],
      ['full', new Map([['old', 'x']])],
    ]),
    new Map([
      ['acme', 20],
      ['full', 2],
      ['bad', 20],
    ]),
    {
      problems: new Map([
        [
          'bad',
          {
            kind: 'refused' as const,
            code: 'APIGW.0301',
            message: 'bad signature',
            httpStatus: 401,
            requestId: 'rid1',
          },
        ],
      ]),
    },
  );
  plan.listing = { calls: 2, requestIds: { acme: ['r1'], full: ['r2'] } };

  it('prints one line per tenant with counts, existing app ids, details, totals and "No writes were made."', () => {
    const text = formatPlan(plan, 'in.csv');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Plan for in.csv: 7 rows, 3 tenants');
    expect(text).toContain(
      'acme: 1 to create, 1 exists (acme-legacy-portal → abc123), 0 over quota, 1 invalid, 1 duplicate',
    );
    expect(text).toContain('  invalid:\n    line 4: app_name is empty');
    expect(text).toContain('  duplicate:\n    line 5 a1 (first at line 2)');
    expect(text).toContain('full: 1 to create, 0 exist, 1 over quota, 0 invalid, 0 duplicate');
    expect(text).toContain('  over quota (quota 2, 1 app already in the account):\n    line 7 f2');
    expect(text).toContain(
      'bad: credentials refused (HTTP 401 APIGW.0301, request rid1); 1 row not checked',
    );
    expect(text).toContain(
      'Total: 2 to create, 1 exist, 1 over quota, 1 invalid, 1 duplicate, 1 not checked (2 GET /v2/apps calls)',
    );
    expect(lines.at(-1)).toBe('No writes were made.');
  });

  it('caps detail lines and says how many more there are', () => {
    const many = Array.from({ length: 30 }, (_, i) => row('t', `n${i}`, i + 1));
    const capped = buildPlan(many, new Map([['t', new Map()]]), new Map([['t', 1]]), {
      sampleLimit: 3,
    });
    const text = formatPlan(capped);
    expect(text.match(/^ {4}line \d+ n\d+$/gm)).toHaveLength(3);
    expect(text).toContain('… and 26 more');
  });

  it('--json prints the plan itself', () => {
    const parsed = JSON.parse(planToJson(plan)) as typeof plan;
    expect(parsed.totals).toEqual(plan.totals);
    expect(parsed.tenants[0]!.exists.items[0]).toEqual({
      line: 3,
      name: 'acme-legacy-portal',
      appId: 'abc123',
    });
    expect(parsed.listing?.calls).toBe(2);
  });
});
