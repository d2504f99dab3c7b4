import { readCsv } from '../helpers/report';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTenants } from '../../src/config/tenants';
import { startHarness, tempFile, type Harness } from '../helpers/pipeline';

const iamTenant = {
  tenants: {
    corp: {
      iam: { domain: 'corp', user: 'bot', password: 'pw-corp-1', projectName: 'cn-north-4' },
      rate: '6/1s',
      quota: 100,
    },
  },
};
const rows = (n: number) =>
  ['tenant,app_name', ...Array.from({ length: n }, (_, i) => `corp,corp-app-${i}`)].join('\n') +
  '\n';

describe('IAM tokens during a run', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a token that expires mid-run is refreshed before it is refused: no row fails, no 401', async () => {
    h = await startHarness({
      tenants: parseTenants(iamTenant),
      emulator: { tokenTtlMs: 3000 },
      settings: { concurrency: 10 },
    });
    const { reportPath } = await h.runFile(await tempFile('iam.csv', rows(24)));
    const report = await readCsv(reportPath);
    expect(report.filter((r) => r.status !== 'created')).toEqual([]);
    expect(report.every((r) => r.status === 'created')).toBe(true);
    const corp = h.emulator.stats().tenants.corp!;
    expect(corp.byStatus['401'] ?? 0).toBe(0);
    // 24 calls at 6/s take 4 s: longer than one 3 s token lifetime.
    expect(corp.requests).toBe(24);
  });

  it('APIGW.0307 (token must be refreshed) is answered by one refresh and a retry, not a failure', async () => {
    h = await startHarness({ tenants: parseTenants(iamTenant), settings: { concurrency: 4 } });
    let marked = false;
    const { reportPath } = await h.runFile(await tempFile('stale.csv', rows(12)), (p) => {
      if (!marked && p.counts.done >= 3) {
        marked = true;
        void fetch(`${h!.emulator.url}/_emulator/tokens/stale`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tenant: 'corp' }),
        });
      }
    });
    const report = await readCsv(reportPath);
    expect(report.every((r) => r.status === 'created')).toBe(true);
    expect(marked).toBe(true);
    const corp = h.emulator.stats().tenants.corp!;
    expect(corp.byErrorCode['APIGW.0307'] ?? 0).toBeGreaterThan(0);
  });
});
