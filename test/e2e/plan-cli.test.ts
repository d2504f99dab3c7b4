import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { deletePrefix, redisUrl, testPrefix, testRedis } from '../helpers/redis';

describe('rtc-provisioner plan examples/migration.csv --emulator', () => {
  const prefix = testPrefix('e2e-plan');
  afterAll(async () => {
    const r = testRedis();
    await deletePrefix(r, prefix);
    r.disconnect();
  });

  it('shows acme-legacy-portal as existing, the rows to create per tenant, and exits 0 without writing', async () => {
    const res = await runCli(['plan', 'examples/migration.csv', '--emulator', '--prefix', prefix], {
      env: { REDIS_URL: redisUrl() },
    });
    expect(res.stderr).not.toMatch(/rtc-provisioner: /);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^acme: 10 to create, 1 exists \(acme-legacy-portal → [0-9a-f]{32}\), 0 over quota, 1 invalid, 1 duplicate$/m,
    );
    expect(res.stdout).toMatch(
      /^globex: 12 to create, 0 exist, 0 over quota, 0 invalid, 0 duplicate$/m,
    );
    expect(res.stdout).toMatch(/^initech: 12 to create, 0 exist/m);
    expect(res.stdout).toContain(
      'Total: 34 to create, 1 exist, 0 over quota, 1 invalid, 1 duplicate (3 GET /v2/apps calls)',
    );
    expect(res.stdout.trimEnd().split('\n').at(-1)).toBe('No writes were made.');
  });

  it('--json prints the plan as JSON', async () => {
    const res = await runCli(
      ['plan', 'examples/migration.csv', '--emulator', '--json', '--prefix', prefix],
      { env: { REDIS_URL: redisUrl() } },
    );
    expect(res.code).toBe(0);
    const plan = JSON.parse(res.stdout) as {
      totals: Record<string, number>;
      tenants: Array<{ tenant: string; exists: { items: Array<{ name: string }> } }>;
    };
    expect(plan.totals).toMatchObject({
      rows: 37,
      toCreate: 34,
      exists: 1,
      invalid: 1,
      duplicate: 1,
    });
    expect(plan.tenants.find((t) => t.tenant === 'acme')!.exists.items[0]!.name).toBe(
      'acme-legacy-portal',
    );
  });

  it('exits 2 for a missing file and 3 when the shared Redis is unreachable', async () => {
    const missing = await runCli(['plan', 'examples/nope.csv', '--emulator', '--prefix', prefix], {
      env: { REDIS_URL: redisUrl() },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const noRedis = await runCli(
      ['plan', 'examples/migration.csv', '--redis', 'redis://127.0.0.1:1', '--prefix', prefix],
      { env: { RTC_AUTH_TOKEN: 'any-token' } },
    );
    expect(noRedis.code).toBe(3);
    expect(noRedis.stderr).toMatch(/Redis is not reachable/);
  });
});
