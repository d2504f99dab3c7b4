import { readCsv } from '../helpers/report';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTenants } from '../../src/config/tenants';
import { startHarness, tempFile, type Harness } from '../helpers/pipeline';

const readReport = readCsv;

function csv(rows: Array<[string, string]>): string {
  return ['tenant,app_name', ...rows.map(([t, n]) => `${t},${n}`)].join('\n') + '\n';
}

function akskTenants(ids: string[], extra: (id: string) => Record<string, unknown> = () => ({})) {
  return Object.fromEntries(
    ids.map((id) => [
      id,
      { ak: `AK_${id}`, sk: `SK_${id}_secret`, projectId: `proj-${id}`, ...extra(id) },
    ]),
  );
}

describe('multi-tenant runs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('200 tenants × 3 rows at 2 calls/s each: no 429, and no sliding window over the limit', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    const tenants = parseTenants({ tenants: akskTenants(ids, () => ({ rate: '2/1s' })) });
    h = await startHarness({ tenants, settings: { concurrency: 100, rate: '2/1s' } });
    const rows = ids.flatMap((t) => [0, 1, 2].map((i) => [t, `${t}-app-${i}`] as [string, string]));
    const { reportPath } = await h.runFile(await tempFile('200.csv', csv(rows)));
    const report = await readReport(reportPath);
    expect(report).toHaveLength(600);
    expect(report.every((r) => r.status === 'created')).toBe(true);
    const stats = h.emulator.stats();
    expect(stats.byStatus['429'] ?? 0).toBe(0);
    for (const id of ids) {
      expect(stats.tenants[id]!.throttled).toBe(0);
      expect(stats.tenants[id]!.maxInWindow).toBeLessThanOrEqual(2);
    }
    // The limit binds: some tenant did see two calls within one second.
    expect(Math.max(...ids.map((id) => stats.tenants[id]!.maxInWindow))).toBe(2);
  });

  it('a slow tenant does not hold back the fast ones', async () => {
    const fast = ['f1', 'f2', 'f3', 'f4'];
    const tenants = parseTenants({
      tenants: {
        ...akskTenants(fast, () => ({ rate: '50/1s' })),
        ...akskTenants(['slow'], () => ({ rate: '1/1s' })),
      },
    });
    h = await startHarness({ tenants, settings: { concurrency: 20 } });
    const rows: Array<[string, string]> = [];
    for (let i = 0; i < 5; i++) rows.push(['slow', `slow-${i}`]);
    for (const t of fast) for (let i = 0; i < 20; i++) rows.push([t, `${t}-${i}`]);
    let slowDoneWhenFastFinished: number | undefined;
    await h.runFile(await tempFile('slow.csv', csv(rows)), (p) => {
      const fastDone = fast.every((t) => (p.counts.byTenant[t]?.created ?? 0) === 20);
      if (fastDone && slowDoneWhenFastFinished === undefined)
        slowDoneWhenFastFinished = p.counts.byTenant.slow?.created ?? 0;
    });
    expect(slowDoneWhenFastFinished).toBeDefined();
    expect(slowDoneWhenFastFinished!).toBeLessThan(5);
    expect(h.emulator.stats().tenants.slow!.maxInWindow).toBe(1);
  });

  it('a tenant that reaches its quota: the rest are quota_exceeded after exactly one AppsExceed', async () => {
    const tenants = parseTenants({
      tenants: { ...akskTenants(['small'], () => ({ quota: 5 })), ...akskTenants(['big']) },
    });
    h = await startHarness({ tenants, settings: { concurrency: 30 } });
    const rows: Array<[string, string]> = [];
    for (let i = 0; i < 12; i++) rows.push(['small', `small-${i}`]);
    for (let i = 0; i < 5; i++) rows.push(['big', `big-${i}`]);
    const { reportPath } = await h.runFile(await tempFile('quota.csv', csv(rows)));
    const report = await readReport(reportPath);
    const small = report.filter((r) => r.tenant === 'small');
    expect(small.filter((r) => r.status === 'created')).toHaveLength(5);
    expect(small.filter((r) => r.status === 'quota_exceeded')).toHaveLength(7);
    expect(report.filter((r) => r.tenant === 'big').every((r) => r.status === 'created')).toBe(
      true,
    );
    const stats = h.emulator.stats();
    expect(stats.tenants.small!.appsExceed).toBe(1);
    expect(stats.tenants.small!.byErrorCode['RTC.00001017']).toBe(1);
  });
});
