import { afterEach, describe, expect, it } from 'vitest';
import { parseTenants } from '../../src/config/tenants';
import { startHarness, tempFile, type Harness } from '../helpers/pipeline';
import { readCsv } from '../helpers/report';

const csv = (rows: Array<[string, string]>) =>
  ['tenant,app_name', ...rows.map((r) => r.join(','))].join('\n') + '\n';

describe('429 from the API', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('pauses only the throttled tenant (Retry-After given) and does not use up attempts', async () => {
    // The client believes 20/s; the API allows 2/s for `tight`: it must be told by 429s.
    const tenants = parseTenants({
      tenants: {
        tight: { ak: 'AK_T', sk: 'sk-t', projectId: 'p-t' },
        free: { ak: 'AK_F', sk: 'sk-f', projectId: 'p-f' },
      },
    });
    h = await startHarness({
      tenants,
      emulator: { retryAfterHeader: true, rate: { max: 2, windowMs: 1000 } },
      settings: { rate: '20/1s', concurrency: 10, attempts: 2 },
    });
    // The emulator's limit for `free` is raised so only `tight` is throttled.
    h.emulator.addTenant({
      id: 'free',
      ak: 'AK_F',
      sk: 'sk-f',
      projectId: 'p-f',
      rate: { max: 100, windowMs: 1000 },
    });
    const rows: Array<[string, string]> = [];
    for (let i = 0; i < 6; i++) rows.push(['tight', `tight-${i}`]);
    for (let i = 0; i < 20; i++) rows.push(['free', `free-${i}`]);
    let freeDoneFirst = false;
    const { reportPath } = await h.runFile(await tempFile('t.csv', csv(rows)), (p) => {
      if (
        (p.counts.byTenant.free?.created ?? 0) === 20 &&
        (p.counts.byTenant.tight?.created ?? 0) < 6
      )
        freeDoneFirst = true;
    });
    const report = await readCsv(reportPath);
    expect(report.every((r) => r.status === 'created')).toBe(true);
    const stats = h.emulator.stats();
    expect(stats.tenants.tight!.throttled).toBeGreaterThan(0);
    expect(stats.tenants.free!.throttled).toBe(0);
    expect(freeDoneFirst).toBe(true);
    // Throttled calls are not attempts: with 2 attempts allowed, every row still got through.
    expect(report.filter((r) => r.tenant === 'tight').every((r) => Number(r.attempts) === 1)).toBe(
      true,
    );
  });

  it('a row throttled more than --max-throttles times ends failed, saying why', async () => {
    const tenants = parseTenants({
      tenants: { tight: { ak: 'AK_T', sk: 'sk-t', projectId: 'p-t' } },
    });
    h = await startHarness({
      tenants,
      emulator: { rate: { max: 1, windowMs: 60_000 } },
      settings: { rate: '50/1s', concurrency: 5, maxThrottles: 2 },
      worker: { throttle: { minMs: 20, capMs: 40 } },
    });
    const { reportPath } = await h.runFile(
      await tempFile(
        't.csv',
        csv([
          ['tight', 'a'],
          ['tight', 'b'],
          ['tight', 'c'],
        ]),
      ),
    );
    const report = await readCsv(reportPath);
    expect(report.filter((r) => r.status === 'created')).toHaveLength(1);
    const failed = report.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(2);
    for (const r of failed) {
      expect(r.error_code).toBe('APIGW.0308');
      expect(r.error_msg).toMatch(/throttled 2 times/);
      expect(r.http_status).toBe('429');
    }
  });
});
