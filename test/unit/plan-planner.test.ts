import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../src/domain/row';
import { buildPlan, buildPlanFrom, PlanBuilder } from '../../src/plan/planner';

let nextLine = 1;
const row = (tenant: string, appName: string, line = nextLine++): InputItem => ({
  kind: 'row',
  row: { line, tenant, appName, extra: {} },
});
const invalid = (
  tenant: string,
  appName: string,
  line: number,
  reason = 'app_name is empty',
): InputItem => ({
  kind: 'problem',
  problem: { line, tenant, appName, extra: {}, status: 'invalid_input', reason },
});
const duplicate = (
  tenant: string,
  appName: string,
  line: number,
  firstLine: number,
): InputItem => ({
  kind: 'problem',
  problem: {
    line,
    tenant,
    appName,
    extra: {},
    status: 'duplicate_in_input',
    reason: `same tenant and app_name as line ${firstLine}`,
    firstLine,
  },
});
const apps = (entries: Record<string, Record<string, string>>) =>
  new Map(Object.entries(entries).map(([t, m]) => [t, new Map(Object.entries(m))]));

describe('buildPlan', () => {
  it('marks names already in the account as existing, with their app ids, and the rest to create', () => {
    const plan = buildPlan(
      [row('acme', 'a', 2), row('acme', 'legacy', 3), row('acme', 'b', 4)],
      apps({ acme: { legacy: 'id-legacy', unrelated: 'id-x' } }),
      new Map([['acme', 20]]),
    );
    const acme = plan.tenants[0]!;
    expect(acme.tenant).toBe('acme');
    expect(acme.exists).toEqual({
      count: 1,
      items: [{ line: 3, name: 'legacy', appId: 'id-legacy' }],
    });
    expect(acme.toCreate.count).toBe(2);
    expect(acme.toCreate.items.map((r) => r.name)).toEqual(['a', 'b']);
    expect(acme.accountApps).toBe(2);
    expect(acme.overQuota.count).toBe(0);
    expect(plan.totals).toMatchObject({ rows: 3, toCreate: 2, exists: 1, tenants: 1 });
  });

  it('counts every app already in the account against the quota; rows beyond it are over quota in input order', () => {
    // quota 5, 3 apps already there (one of them named in the input): 2 more fit.
    const plan = buildPlan(
      [
        row('acme', 'n1', 1),
        row('acme', 'old1', 2),
        row('acme', 'n2', 3),
        row('acme', 'n3', 4),
        row('acme', 'n4', 5),
      ],
      apps({ acme: { old1: 'i1', old2: 'i2', old3: 'i3' } }),
      new Map([['acme', 5]]),
    );
    const acme = plan.tenants[0]!;
    expect(acme.exists.count).toBe(1);
    expect(acme.toCreate.items.map((r) => r.name)).toEqual(['n1', 'n2']);
    expect(acme.overQuota.items).toEqual([
      { line: 4, name: 'n3' },
      { line: 5, name: 'n4' },
    ]);
    expect(plan.totals.overQuota).toBe(2);
  });

  it('puts everything over quota when the account already owns more apps than its quota', () => {
    const plan = buildPlan(
      [row('t', 'x'), row('t', 'y')],
      apps({ t: { a: '1', b: '2', c: '3' } }),
      new Map([['t', 2]]),
    );
    expect(plan.tenants[0]!.toCreate.count).toBe(0);
    expect(plan.tenants[0]!.overQuota.count).toBe(2);
  });

  it('uses the default quota for a tenant without one', () => {
    const rows = Array.from({ length: 5 }, (_, i) => row('t', `n${i}`));
    const plan = buildPlan(rows, apps({ t: {} }), new Map(), { defaultQuota: 3 });
    expect(plan.tenants[0]!.quota).toBe(3);
    expect(plan.tenants[0]!.toCreate.count).toBe(3);
    expect(plan.tenants[0]!.overQuota.count).toBe(2);
  });

  it('reports invalid and duplicate rows per tenant, without spending quota on them', () => {
    const plan = buildPlan(
      [
        row('acme', 'a', 2),
        invalid('acme', '', 3),
        duplicate('acme', 'a', 4, 2),
        row('globex', 'g', 5),
      ],
      apps({ acme: {}, globex: {} }),
      new Map([
        ['acme', 1],
        ['globex', 1],
      ]),
    );
    const [acme, globex] = plan.tenants;
    expect(acme!.invalid).toEqual({
      count: 1,
      items: [{ line: 3, name: '', reason: 'app_name is empty' }],
    });
    expect(acme!.duplicate.items).toEqual([
      { line: 4, name: 'a', reason: 'same tenant and app_name as line 2', firstLine: 2 },
    ]);
    expect(acme!.toCreate.count).toBe(1);
    expect(acme!.overQuota.count).toBe(0);
    expect(globex!.toCreate.count).toBe(1);
    expect(plan.totals).toMatchObject({
      rows: 4,
      toCreate: 2,
      invalid: 1,
      duplicate: 1,
      tenants: 2,
    });
  });

  it('leaves rows of an unknown (unlisted) tenant unchecked instead of guessing', () => {
    const plan = buildPlan(
      [row('ghost', 'a'), row('acme', 'b')],
      apps({ acme: {} }),
      new Map([['acme', 20]]),
    );
    const ghost = plan.tenants.find((t) => t.tenant === 'ghost')!;
    expect(ghost.problem?.kind).toBe('unknown');
    expect(ghost.unchecked.count).toBe(1);
    expect(ghost.toCreate.count).toBe(0);
    expect(plan.totals).toMatchObject({ unchecked: 1, toCreate: 1, tenantProblems: 1 });
  });

  it('reports a tenant whose credentials were refused with the code, its rows unchecked', () => {
    const plan = buildPlan([row('bad', 'a'), row('bad', 'b')], new Map(), new Map([['bad', 20]]), {
      problems: new Map([
        [
          'bad',
          {
            kind: 'refused' as const,
            code: 'APIGW.0301',
            message: 'bad signature',
            httpStatus: 401,
          },
        ],
      ]),
    });
    const bad = plan.tenants[0]!;
    expect(bad.problem).toMatchObject({ kind: 'refused', code: 'APIGW.0301' });
    expect(bad.unchecked.count).toBe(2);
    expect(bad.accountApps).toBeUndefined();
  });

  it('keeps exact counts but only a capped sample of names (stream-friendly memory)', () => {
    const builder = new PlanBuilder({
      existing: apps({ big: {} }),
      quotas: new Map([['big', 100_000]]),
      sampleLimit: 5,
    });
    for (let i = 0; i < 50_000; i++) builder.add(row('big', `app-${i}`, i + 1));
    const plan = builder.build();
    expect(plan.tenants[0]!.toCreate.count).toBe(50_000);
    expect(plan.tenants[0]!.toCreate.items).toHaveLength(5);
    expect(plan.tenants[0]!.toCreate.items[0]).toEqual({ line: 1, name: 'app-0' });
    expect(plan.sampleLimit).toBe(5);
  });

  it('lists tenants in order of first appearance and builds the same plan from a stream', async () => {
    const items = [row('z', 'a', 1), row('a', 'b', 2), row('z', 'c', 3)];
    const existing = apps({ z: { c: 'id-c' }, a: {} });
    const quotas = new Map([
      ['z', 20],
      ['a', 20],
    ]);
    async function* stream() {
      for (const item of items) yield await Promise.resolve(item);
    }
    const fromStream = await buildPlanFrom(stream(), { existing, quotas });
    expect(fromStream.tenants.map((t) => t.tenant)).toEqual(['z', 'a']);
    expect(fromStream).toEqual(buildPlan(items, existing, quotas));
  });
});
