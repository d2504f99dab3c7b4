import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../helpers/report';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTenants } from '../../src/config/tenants';
import { toEmulatorTenant } from '../../src/cli/runtime';
import { runCli } from '../helpers/cli';
import { startHarness, tempFile, type Harness } from '../helpers/pipeline';
import { redisUrl } from '../helpers/redis';

const right = {
  good1: { ak: 'AK_GOOD1', sk: 'sk-good-1', projectId: 'p-good-1' },
  good2: { token: 'token-good-2' },
  bad: { ak: 'AK_BAD', sk: 'sk-the-right-one', projectId: 'p-bad' },
};

describe('auth circuit breaker', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a wrong SK costs exactly one failing call; the tenant is held, the others finish, and resume completes it', async () => {
    const emulatorTenants = [...parseTenants({ tenants: right }).values()].map(toEmulatorTenant);
    const wrong = { tenants: { ...right, bad: { ...right.bad, sk: 'sk-a-wrong-one' } } };
    h = await startHarness({
      emulator: { tenants: emulatorTenants },
      clientTenants: parseTenants(wrong),
      settings: { concurrency: 20 },
    });
    const rows = ['tenant,app_name'];
    for (const t of ['good1', 'good2', 'bad'])
      for (let i = 0; i < 6; i++) rows.push(`${t},${t}-app-${i}`);
    const { runId, reportPath } = await h.runFile(
      await tempFile('auth.csv', rows.join('\n') + '\n'),
    );

    const report = await readCsv(reportPath);
    expect(report.filter((r) => r.tenant !== 'bad').every((r) => r.status === 'created')).toBe(
      true,
    );
    const bad = report.filter((r) => r.tenant === 'bad');
    expect(bad).toHaveLength(6);
    expect(bad.every((r) => r.status === 'auth_failed' && r.error_code === 'APIGW.0301')).toBe(
      true,
    );
    expect(bad[0]!.error_msg).toContain(`resume ${runId} --tenant bad`);
    const stats = h.emulator.stats();
    expect(stats.keys.AK_BAD!.failures).toBe(1);
    expect(stats.tenants.bad?.created201 ?? 0).toBe(0);
    expect(Object.keys(await h.producer.store.held(runId))).toEqual(['bad']);

    // The operator fixes the credential and resumes just that tenant (the old workers are gone).
    await Promise.all(h.workers.map((w) => w.close(2000)));
    const dir = await mkdtemp(join(tmpdir(), 'rtcp-fixed-'));
    const fixed = join(dir, 'tenants.json');
    await writeFile(fixed, JSON.stringify({ tenants: right }));
    const resumed = await runCli(
      [
        'resume',
        runId,
        '--tenant',
        'bad',
        '--tenants',
        fixed,
        '--endpoint',
        h.emulator.url,
        '--prefix',
        h.settings.prefix,
        '--report',
        join(dir, 'r.csv'),
        '--rate',
        '1000/1s',
      ],
      { env: { REDIS_URL: redisUrl() } },
    );
    expect(resumed.stderr).not.toMatch(/rtc-provisioner: /);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('tenant bad released: 6 held rows queued again');
    const after = await readCsv(join(dir, 'r.csv'));
    expect(after).toHaveLength(18);
    expect(after.every((r) => r.status === 'created')).toBe(true);
    expect(h.emulator.stats().keys.AK_BAD!.failures).toBe(1);
    expect(h.emulator.apps().filter((a) => a.tenant === 'bad')).toHaveLength(6);
  });
});
